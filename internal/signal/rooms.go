package signal

import (
	"crypto/subtle"
	"sync"
	"time"
)

// Peer is a room member as other members see it.
type Peer struct {
	ID    string     `json:"id"`
	Name  string     `json:"name"`
	State MediaState `json:"state"`
}

// MediaState is what a member says it sends, for the others' tiles: microphone on, camera on, sharing a screen.
type MediaState struct {
	Mic    bool `json:"mic"`
	Camera bool `json:"camera"`
	Screen bool `json:"screen"`
}

// ChatMessage is one message of a room's chat.
type ChatMessage struct {
	ID   int64  `json:"id"`
	From string `json:"from"`
	Name string `json:"name"`
	Text string `json:"text"`
	TS   int64  `json:"ts"`
}

type room struct {
	name     string
	password string
	guesses  bucket // wrong passwords, from anyone: per socket budgets alone let many connections guess
	members  []Peer // in the order they joined
	chat     []ChatMessage
	nextChat int64
}

func (r *room) index(id string) int {
	for i, m := range r.members {
		if m.ID == id {
			return i
		}
	}
	return -1
}

// passwordGuesses bounds wrong passwords per room: 10 at once, then one every 5 s.
var passwordGuesses = Limit{Burst: 10, PerSecond: 0.2}

// joined is what a successful join hands to its continuation.
type joined struct {
	Room  string
	Self  Peer
	Peers []Peer
	Chat  []ChatMessage
}

// registry holds every room and who is in which. Continuations passed to its methods run while it is locked,
// so that what they emit reaches each member in the same order as the changes happened: a newcomer's join ack
// can never arrive after a peer-left for one of the peers it lists.
type registry struct {
	cap     int
	history int

	mu     sync.RWMutex
	rooms  map[string]*room
	roomOf map[string]*room // member id → room
}

func newRegistry(cap, history int) *registry {
	return &registry{cap: cap, history: history, rooms: map[string]*room{}, roomOf: map[string]*room{}}
}

// join adds id to a room unless gone() says its connection has closed meanwhile.
func (g *registry) join(id string, req joinRequest, now time.Time, gone func() bool, then func(joined)) *Error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if gone() {
		return errorf(CodeNotInRoom, "the connection closed")
	}
	if _, in := g.roomOf[id]; in {
		return errorf(CodeAlreadyInRoom, "already in a room: leave it first")
	}
	r := g.rooms[req.Room]
	if r == nil {
		r = &room{name: req.Room, password: req.Password, nextChat: 1, guesses: newBucket(passwordGuesses, now)}
		g.rooms[req.Room] = r
	} else {
		if r.password != "" && !r.guesses.has(1, now) {
			return errorf(CodeRateLimited, "too many wrong passwords for room %q: wait a few seconds", req.Room)
		}
		if subtle.ConstantTimeCompare([]byte(r.password), []byte(req.Password)) != 1 {
			r.guesses.take(1, now)
			return errorf(CodeWrongPassword, "wrong password for room %q", req.Room)
		}
		if len(r.members) >= g.cap {
			return errorf(CodeRoomFull, "room %q is full (%d participants)", req.Room, g.cap)
		}
	}
	self := Peer{ID: id, Name: req.Name, State: req.State}
	j := joined{Room: r.name, Self: self, Peers: append([]Peer{}, r.members...), Chat: append([]ChatMessage{}, r.chat...)}
	r.members = append(r.members, self)
	g.roomOf[id] = r
	then(j)
	return nil
}

// leave removes id from its room; then runs with the room it left, unless it was in none.
func (g *registry) leave(id string, then func(room string)) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	r := g.roomOf[id]
	if r == nil {
		return false
	}
	delete(g.roomOf, id)
	if i := r.index(id); i >= 0 {
		r.members = append(r.members[:i], r.members[i+1:]...)
	}
	if len(r.members) == 0 {
		delete(g.rooms, r.name)
	}
	then(r.name)
	return true
}

// relay checks that from and to share a room and runs then. Relays only read the registry, so many run at once.
func (g *registry) relay(from, to string, then func()) *Error {
	g.mu.RLock()
	defer g.mu.RUnlock()
	r := g.roomOf[from]
	if r == nil {
		return errorf(CodeNotInRoom, "join a room first")
	}
	if from == to {
		return errorf(CodeBadRequest, "to: cannot signal yourself")
	}
	if g.roomOf[to] != r {
		return errorf(CodeUnknownPeer, "no participant %q in room %q", to, r.name)
	}
	then()
	return nil
}

// setState records id's media state and runs then with it and its room.
func (g *registry) setState(id string, st MediaState, then func(room string, p Peer)) *Error {
	g.mu.Lock()
	defer g.mu.Unlock()
	r := g.roomOf[id]
	if r == nil {
		return errorf(CodeNotInRoom, "join a room first")
	}
	m := &r.members[r.index(id)]
	m.State = st
	then(r.name, *m)
	return nil
}

// chat appends a message to id's room's history and runs then with it.
func (g *registry) chat(id, text string, now time.Time, then func(room string, m ChatMessage)) *Error {
	g.mu.Lock()
	defer g.mu.Unlock()
	r := g.roomOf[id]
	if r == nil {
		return errorf(CodeNotInRoom, "join a room first")
	}
	m := ChatMessage{ID: r.nextChat, From: id, Name: r.members[r.index(id)].Name, Text: text, TS: now.UnixMilli()}
	r.nextChat++
	if len(r.chat) == g.history {
		copy(r.chat, r.chat[1:])
		r.chat = r.chat[:len(r.chat)-1]
	}
	r.chat = append(r.chat, m)
	then(r.name, m)
	return nil
}

func (g *registry) counts() (rooms, participants int) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return len(g.rooms), len(g.roomOf)
}
