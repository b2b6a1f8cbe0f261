//go:build linux && cgo

#include <string.h>
#include <gtk/gtk.h>
#include <webkit2/webkit2.h>

#include "webview_linux.h"
#include "_cgo_export.h"

// How often and how long to look for the web view: Wails creates it before starting the main loop, so the
// first tick normally finds it.
#define FIND_INTERVAL_MS 50
#define FIND_MAX_TRIES 400 /* 20 s */

static int fake_media;
static guint find_tries;

// The URI of the document the web view shows. webkit_web_view_get_uri already changes when a navigation
// starts, while the old document is still live and can still ask for permissions; this one changes only when
// the new document is committed.
static gchar *committed_uri;

static void logf_(int level, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void logf_(int level, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    gchar *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    parleyLog(level, msg);
    g_free(msg);
}

static WebKitWebView *find_webview(GtkWidget *w) {
    if (WEBKIT_IS_WEB_VIEW(w)) {
        return WEBKIT_WEB_VIEW(w);
    }
    if (!GTK_IS_CONTAINER(w)) {
        return NULL;
    }
    WebKitWebView *found = NULL;
    GList *children = gtk_container_get_children(GTK_CONTAINER(w));
    for (GList *l = children; l != NULL && found == NULL; l = l->next) {
        found = find_webview(GTK_WIDGET(l->data));
    }
    g_list_free(children);
    return found;
}

// ---- permission dialog ------------------------------------------------------------------------------------

static const char *describe(int mask) {
    switch (mask) {
    case PARLEY_KIND_CAMERA: return "your camera";
    case PARLEY_KIND_MICROPHONE: return "your microphone";
    case PARLEY_KIND_CAMERA | PARLEY_KIND_MICROPHONE: return "your camera and microphone";
    case PARLEY_KIND_SCREEN: return "your screen";
    default: return "your screen and microphone";
    }
}

static const char *consequence(int mask) {
    if (mask & PARLEY_KIND_SCREEN) return "Others in the call will see what you share.";
    switch (mask) {
    case PARLEY_KIND_CAMERA: return "Others in the call will see you.";
    case PARLEY_KIND_MICROPHONE: return "Others in the call will hear you.";
    default: return "Others in the call will see and hear you.";
    }
}

static void on_dialog_response(GtkDialog *dialog, gint response, gpointer unused) {
    WebKitPermissionRequest *request = g_object_get_data(G_OBJECT(dialog), "parley-request");
    GtkToggleButton *check = g_object_get_data(G_OBJECT(dialog), "parley-remember");
    int mask = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(dialog), "parley-kinds"));
    int allowed = response == GTK_RESPONSE_ACCEPT;
    // Closing the dialog denies for now and remembers nothing.
    int remember = (response == GTK_RESPONSE_ACCEPT || response == GTK_RESPONSE_REJECT) &&
                   gtk_toggle_button_get_active(check);
    parleyAnswered(mask, allowed, remember);
    if (allowed) {
        webkit_permission_request_allow(request);
    } else {
        webkit_permission_request_deny(request);
    }
    gtk_widget_destroy(GTK_WIDGET(dialog)); // drops our reference to the request
}

// ask_user shows a modal dialog and answers the request when the user does. WebKit denies a request that is
// dropped unanswered (e.g. the window is destroyed with the dialog open).
static void ask_user(WebKitWebView *view, WebKitPermissionRequest *request, int mask) {
    GtkWidget *top = gtk_widget_get_toplevel(GTK_WIDGET(view));
    GtkWindow *parent = GTK_IS_WINDOW(top) ? GTK_WINDOW(top) : NULL;
    GtkWidget *dialog = gtk_message_dialog_new(parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                               GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                               "Allow Parley to use %s?", describe(mask));
    gtk_message_dialog_format_secondary_text(GTK_MESSAGE_DIALOG(dialog), "%s", consequence(mask));
    gtk_window_set_title(GTK_WINDOW(dialog), "Parley");
    gtk_dialog_add_buttons(GTK_DIALOG(dialog), "_Deny", GTK_RESPONSE_REJECT, "_Allow", GTK_RESPONSE_ACCEPT, NULL);
    /* Deny by default: a page may ask while the user is typing, and Enter must not grant it. */
    gtk_dialog_set_default_response(GTK_DIALOG(dialog), GTK_RESPONSE_REJECT);

    GtkWidget *check = gtk_check_button_new_with_mnemonic("_Remember my choice");
    gtk_widget_set_margin_top(check, 6);
    gtk_container_add(GTK_CONTAINER(gtk_message_dialog_get_message_area(GTK_MESSAGE_DIALOG(dialog))), check);
    gtk_widget_show(check);

    g_object_set_data_full(G_OBJECT(dialog), "parley-request", g_object_ref(request), g_object_unref);
    g_object_set_data(G_OBJECT(dialog), "parley-remember", check);
    g_object_set_data(G_OBJECT(dialog), "parley-kinds", GINT_TO_POINTER(mask));
    g_signal_connect(dialog, "response", G_CALLBACK(on_dialog_response), NULL);
    gtk_widget_show(dialog);
}

// ---- permission-request -----------------------------------------------------------------------------------

static void on_load_changed(WebKitWebView *view, WebKitLoadEvent event, gpointer unused) {
    if (event == WEBKIT_LOAD_COMMITTED) {
        g_free(committed_uri);
        committed_uri = g_strdup(webkit_web_view_get_uri(view));
    }
}

static gboolean on_permission_request(WebKitWebView *view, WebKitPermissionRequest *request, gpointer unused) {
    const gchar *uri = committed_uri; // the main frame's document (requests from other frames are its too)
    if (WEBKIT_IS_USER_MEDIA_PERMISSION_REQUEST(request)) {
        WebKitUserMediaPermissionRequest *media = WEBKIT_USER_MEDIA_PERMISSION_REQUEST(request);
        int mask = 0;
#if WEBKIT_CHECK_VERSION(2, 34, 0)
        if (webkit_user_media_permission_is_for_display_device(media)) {
            mask = PARLEY_KIND_SCREEN; // the display's own audio, if any, goes with it
        } else
#endif
        {
            if (webkit_user_media_permission_is_for_video_device(media)) mask |= PARLEY_KIND_CAMERA;
            if (webkit_user_media_permission_is_for_audio_device(media)) mask |= PARLEY_KIND_MICROPHONE;
        }
        switch (parleyDecideMedia((char *)uri, mask)) {
        case PARLEY_ALLOW:
            webkit_permission_request_allow(request);
            break;
        case PARLEY_ASK:
            ask_user(view, request, mask);
            break;
        default:
            webkit_permission_request_deny(request);
        }
        return TRUE;
    }
    if (WEBKIT_IS_DEVICE_INFO_PERMISSION_REQUEST(request)) {
        if (parleyDecideDeviceInfo((char *)uri) == PARLEY_ALLOW) {
            webkit_permission_request_allow(request);
        } else {
            webkit_permission_request_deny(request);
        }
        return TRUE;
    }
    logf_(PARLEY_LOG_INFO, "webview: denied a %s permission request", G_OBJECT_TYPE_NAME(request));
    webkit_permission_request_deny(request);
    return TRUE;
}

// ---- set-up -----------------------------------------------------------------------------------------------

// enable_features turns on the WebKit features the native media engine needs and returns how many it changed.
static int enable_features(WebKitSettings *settings) {
    int changed = 0;
#if WEBKIT_CHECK_VERSION(2, 42, 0)
    static const char *const wanted[] = {"MediaStreamTrackProcessing"};
    WebKitFeatureList *all = webkit_settings_get_all_features();
    for (gsize w = 0; w < G_N_ELEMENTS(wanted); w++) {
        gboolean found = FALSE;
        for (gsize i = 0; i < webkit_feature_list_get_length(all); i++) {
            WebKitFeature *feature = webkit_feature_list_get(all, i);
            if (strcmp(webkit_feature_get_identifier(feature), wanted[w]) != 0) continue;
            found = TRUE;
            if (!webkit_settings_get_feature_enabled(settings, feature)) {
                webkit_settings_set_feature_enabled(settings, feature, TRUE);
                changed++;
            }
        }
        if (!found) logf_(PARLEY_LOG_WARN, "webview: WebKit has no feature %s", wanted[w]);
    }
    webkit_feature_list_unref(all);
#else
    logf_(PARLEY_LOG_WARN, "webview: WebKitGTK %d.%d is older than 2.42: cannot enable MediaStreamTrackProcessing",
          webkit_get_major_version(), webkit_get_minor_version());
#endif
    return changed;
}

static void configure(WebKitWebView *view) {
    WebKitSettings *settings = webkit_web_view_get_settings(view);
    webkit_settings_set_enable_media_stream(settings, TRUE);
    webkit_settings_set_enable_mediasource(settings, TRUE);
    if (fake_media) {
        webkit_settings_set_enable_mock_capture_devices(settings, TRUE);
    }
    int changed = enable_features(settings);
    // Wails started loading its page before the main loop ran, so until a load commits, the URI is that page.
    committed_uri = g_strdup(webkit_web_view_get_uri(view));
    g_signal_connect(view, "load-changed", G_CALLBACK(on_load_changed), NULL);
    g_signal_connect(view, "permission-request", G_CALLBACK(on_permission_request), NULL);
    const gchar *uri = committed_uri;
    // Measured on WebKitGTK 2.50: a feature turned on here applies to workers created afterwards without a
    // reload (even when set after the page has loaded), and this normally runs before the page's scripts.
    logf_(PARLEY_LOG_INFO, "webview: configured (WebKitGTK %d.%d.%d, mock capture %s, features turned on %d, page %s)",
          webkit_get_major_version(), webkit_get_minor_version(), webkit_get_micro_version(),
          fake_media ? "on" : "off", changed, uri ? uri : "(none)");
}

static gboolean find_tick(gpointer unused) {
    WebKitWebView *view = NULL;
    GList *tops = gtk_window_list_toplevels();
    for (GList *l = tops; l != NULL && view == NULL; l = l->next) {
        view = find_webview(GTK_WIDGET(l->data));
    }
    g_list_free(tops);
    if (view != NULL) {
        configure(view);
        return G_SOURCE_REMOVE;
    }
    if (++find_tries >= FIND_MAX_TRIES) {
        logf_(PARLEY_LOG_WARN, "webview: no WebKitWebView after %d ms: camera and microphone stay unavailable",
              FIND_INTERVAL_MS * FIND_MAX_TRIES);
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

// first_tick runs as soon as the main loop starts, before the page can ask for anything; if the web view is
// not there yet, find_tick keeps looking.
static gboolean first_tick(gpointer unused) {
    if (find_tick(NULL) == G_SOURCE_CONTINUE) {
        g_timeout_add(FIND_INTERVAL_MS, find_tick, NULL);
    }
    return G_SOURCE_REMOVE;
}

void parley_webview_setup(int fake) {
    fake_media = fake;
    g_idle_add_full(G_PRIORITY_HIGH, first_tick, NULL, NULL);
}
