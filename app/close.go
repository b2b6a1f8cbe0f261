package app

import (
	"context"
	"fmt"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// SetRoomPeers tells the app how many others are in the room the page is in now (for the close confirmation).
func (a *App) SetRoomPeers(n int) {
	a.mu.Lock()
	a.roomPeers = max(n, 0)
	a.mu.Unlock()
}

// closeQuestion is what closing the window asks when others are in the room this computer hosts.
func closeQuestion(n int) string {
	people := fmt.Sprintf("%d people are", n)
	if n == 1 {
		people = "1 person is"
	}
	return people + " in the room you host. Closing Parley ends the room for everyone."
}

// OnBeforeClose is Wails' OnBeforeClose: while hosting with others in the room it asks first, and returns true
// (keep the window) unless the user says Yes. Wails calls it off the GTK thread.
func (a *App) OnBeforeClose(ctx context.Context) (prevent bool) {
	a.mu.Lock()
	n, hosting, quitting := a.roomPeers, a.host != nil, a.quitting
	a.mu.Unlock()
	if quitting || !hosting || n == 0 {
		return false
	}
	yes, err := a.confirm(ctx, "Close Parley?", closeQuestion(n))
	if err != nil {
		a.log.Warn("close confirmation", "err", err)
		return false
	}
	if !yes {
		a.log.Info("close cancelled: still hosting", "peers", n)
	}
	return !yes
}

// askYesNo asks a question in a native dialog.
func askYesNo(ctx context.Context, title, message string) (bool, error) {
	answer, err := runtime.MessageDialog(ctx, runtime.MessageDialogOptions{
		Type:          runtime.QuestionDialog,
		Title:         title,
		Message:       message,
		Buttons:       []string{"Yes", "No"},
		DefaultButton: "No",
		CancelButton:  "No",
	})
	return answer == "Yes", err
}

// Quit prepares the app to end without asking (SIGINT/SIGTERM): from now on closing does not ask, and a hosted
// room ends at once (guests are told host-stopped). The caller then exits the process: Wails' own signal
// handler asks GTK to quit from another thread, which does not wake an idle main loop.
func Quit(a *App) {
	a.mu.Lock()
	a.quitting = true
	a.mu.Unlock()
	if err := a.StopHosting(); err != nil {
		a.log.Warn("stop hosting", "err", err)
	}
	a.settings.Flush()
}

// StartFromCommandLine does what the command line asks before the window opens: with --host it starts hosting
// and prints "hosting on URL" (the first LAN URL, else the LocalURL) as the first line on stdout.
func StartFromCommandLine(a *App, cl CommandLine) (HostInfo, error) {
	if cl.Launch.Mode != ModeHost {
		return a.Hosting(), nil
	}
	info, err := a.StartHosting(HostRequest{Port: cl.Port})
	if err != nil {
		return info, err
	}
	if err := a.out.write([]byte("hosting on " + AnnounceURL(info) + "\n")); err != nil {
		a.log.Warn("writing the hosting line", "err", err)
	}
	return info, nil
}
