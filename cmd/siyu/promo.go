package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/siyu-live/siyu/internal/loadgen"
	"github.com/siyu-live/siyu/internal/promo"
)

type benchEnvelopeFlags struct {
	Viewers  int    `default:"10000" help:"Viewers in the room; each grabs every envelope once."`
	Via      string `default:"ws" enum:"ws,http" help:"How viewers grab: ws (a grab message on each viewer's room WebSocket) or http (POST …/grab)."`
	Conns    int    `default:"256" help:"With --via http: keep-alive connections grabbing in parallel."`
	DupEvery int    `name:"dup-every" default:"100" help:"Every Nth viewer also grabs its first envelope a second time, at once (0: never)."`
}

type benchEnvelopeCmd struct {
	benchEnvelopeFlags `embed:""`
	Envelopes          int    `default:"10" help:"Envelopes sent at once (one holds at most 10,000 shares)."`
	Total              int64  `default:"100000" help:"Fen per envelope."`
	Shares             int64  `default:"10000" help:"Shares per envelope."`
	Report             string `default:"docs/benchmarks.md" help:"Markdown file the results are appended to ('' to skip)."`
}

func (c *benchEnvelopeCmd) Run() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	conns := ""
	if c.Via == loadgen.ViaHTTP {
		conns = fmt.Sprintf(" --conns %d", c.Conns)
	}
	_, err = loadgen.RunEnvelopeBench(context.Background(), loadgen.EnvelopeOptions{Exe: exe, Report: c.Report,
		Command: fmt.Sprintf("siyu bench redenvelope --via %s --viewers %d --envelopes %d --total %d --shares %d%s --dup-every %d",
			c.Via, c.Viewers, c.Envelopes, c.Total, c.Shares, conns, c.DupEvery),
		Envelopes: c.Envelopes, Total: c.Total, Shares: c.Shares, EnvelopeClientOptions: c.options()}, os.Stdout)
	return err
}

func (f benchEnvelopeFlags) options() loadgen.EnvelopeClientOptions {
	return loadgen.EnvelopeClientOptions{Viewers: f.Viewers, Via: f.Via, Conns: f.Conns, DupEvery: f.DupEvery}
}

type benchEnvelopeClientsCmd struct {
	benchEnvelopeFlags `embed:""`
	URL                string `required:"" help:"Server base URL."`
	Session            int64  `required:"" help:"Live session id."`
}

func (c *benchEnvelopeClientsCmd) Run() error {
	opt := c.options()
	opt.URL, opt.SessionID = c.URL, c.Session
	return loadgen.RunEnvelopeClients(context.Background(), opt, os.Stdin, os.Stdout)
}

type lotteryCmd struct {
	Verify lotteryVerifyCmd `cmd:"" help:"Check a drawn lottery independently: sha256(seed) = commitment, and the winners follow from the seed and the entrant list (docs/lottery.md)."`
}

type lotteryVerifyCmd struct {
	URL        string `help:"Server base URL, e.g. https://live.brand.cn."`
	ID         int64  `help:"Lottery id (with --token: a staff token of the brand, or a viewer token of the session)."`
	Token      string `help:"Bearer token for --id."`
	Commitment string `help:"Fetch the lottery by its commitment instead (no token needed)."`
	File       string `help:"Verify a saved GET /api/v1/lotteries/{id} answer offline ('-' for stdin)."`
}

func (c *lotteryVerifyCmd) Run() error {
	data, err := c.fetch()
	if err != nil {
		return err
	}
	rec, err := promo.ParseLotteryRecord(data)
	if err != nil {
		return err
	}
	if err := promo.VerifyLottery(rec); err != nil {
		fmt.Printf("MISMATCH: lottery %d: %v\n", rec.ID, err)
		return fmt.Errorf("lottery %d does not verify", rec.ID)
	}
	fmt.Printf("OK: lottery %d verifies (%s): sha256(seed) = commitment %s; %d winners %v drawn from %d entrants\n",
		rec.ID, promo.LotteryAlgorithm, rec.Commitment, len(rec.Winners), rec.Winners, len(rec.Entrants))
	return nil
}

// fetch reads the published lottery from a file, stdin or the server.
func (c *lotteryVerifyCmd) fetch() ([]byte, error) {
	switch {
	case c.File == "-":
		return io.ReadAll(io.LimitReader(os.Stdin, 512<<20))
	case c.File != "":
		return os.ReadFile(c.File)
	case c.URL == "":
		return nil, fmt.Errorf("give --file, or --url with --id (and --token) or --commitment")
	}
	path := ""
	switch {
	case c.Commitment != "":
		path = "/api/v1/public/lotteries/" + c.Commitment
	case c.ID > 0 && strings.HasPrefix(c.Token, "sv_"):
		path = fmt.Sprintf("/api/v1/viewer/lotteries/%d", c.ID)
	case c.ID > 0:
		path = fmt.Sprintf("/api/v1/lotteries/%d", c.ID)
	default:
		return nil, fmt.Errorf("give --id (with --token) or --commitment")
	}
	req, err := http.NewRequest("GET", strings.TrimRight(c.URL, "/")+path, nil)
	if err != nil {
		return nil, err
	}
	if c.Token != "" && c.Commitment == "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 512<<20))
	if err != nil {
		return nil, err
	}
	if res.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %d %s", path, res.StatusCode, body)
	}
	return body, nil
}
