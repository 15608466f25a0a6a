//go:build !linux

package loadgen

import "errors"

// Elsewhere than Linux each viewer's socket has a reader goroutine (see the Linux file
// for the epoll loops).
func (v *wsViewer) attach() error {
	go v.read()
	return nil
}

func (v *wsViewer) writeFD([]byte) error { return errors.New("bench clients: no epoll here") }

func (v *wsViewer) closeFD() {}
