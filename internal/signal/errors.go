package signal

import "fmt"

// Code is a stable error code carried in every error ack: clients branch on it (docs/PROTOCOL.md).
type Code string

const (
	CodeBadRequest    Code = "bad-request"
	CodeUnknownEvent  Code = "unknown-event"
	CodeAlreadyInRoom Code = "already-in-room"
	CodeNotInRoom     Code = "not-in-room"
	CodeUnknownPeer   Code = "unknown-peer"
	CodeRoomFull      Code = "room-full"
	CodeWrongPassword Code = "wrong-password"
	CodeTooLarge      Code = "too-large"
	CodeRateLimited   Code = "rate-limited"
)

// Error is a request's failure as the client sees it.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

func errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// errorAck is the payload of every failed request's acknowledgement.
type errorAck struct {
	OK    bool   `json:"ok"`
	Error *Error `json:"error"`
}
