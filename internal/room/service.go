// Package room is the real-time engine of a live room: one hub per session owns its
// connections, batches and encodes events once per tick, moderates, counts and persists.
package room

// Service runs the hubs of every room served by this node.
type Service struct{}
