// The C half of package webview on Linux (WebKitGTK). See webview_linux.go.
#ifndef PARLEY_WEBVIEW_LINUX_H
#define PARLEY_WEBVIEW_LINUX_H

// Kind bits (policy.go).
#define PARLEY_KIND_CAMERA 1
#define PARLEY_KIND_MICROPHONE 2
#define PARLEY_KIND_SCREEN 4

// Decisions (policy.go).
#define PARLEY_DENY 0
#define PARLEY_ALLOW 1
#define PARLEY_ASK 2

// Log levels for parleyLog.
#define PARLEY_LOG_DEBUG 0
#define PARLEY_LOG_INFO 1
#define PARLEY_LOG_WARN 2

// parley_webview_setup schedules the search for the web view on the default main context. It only calls
// g_timeout_add, so it is safe before gtk_init.
void parley_webview_setup(int fake_media);

#endif
