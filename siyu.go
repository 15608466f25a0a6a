// Package siyu is the root of the Siyu platform: a self-hosted live-commerce and
// private-domain operations product. The root package holds only what every domain
// shares, the error type and its codes, so that domains never import each other just
// to say "not found".
package siyu

// Version is set at build time with -ldflags "-X github.com/siyu-live/siyu.Version=…";
// "dev" marks a build from a work tree.
var Version = "dev"
