package pgtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
)

// Cluster is a PostgreSQL server of a test's own, for tests that stop and
// start it (the shared server of QUIRE_TEST_POSTGRES serves every package
// at once and must stay up).
type Cluster struct {
	URL  string // of its "postgres" database
	dir  string
	bin  string
	port int
	tb   testing.TB
}

// StartCluster runs initdb and starts a server on a free port, stopped at
// cleanup. Like ServerURL it skips without PostgreSQL, except in CI.
func StartCluster(tb testing.TB) *Cluster {
	tb.Helper()
	ServerURL(tb) // the same rule for a missing PostgreSQL
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		tb.Fatal("PostgreSQL's initdb is not installed")
	}
	c := &Cluster{bin: filepath.Dir(bins[len(bins)-1]), dir: tb.TempDir(), tb: tb}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	c.port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	if os.Getuid() == 0 { // initdb refuses root: the cluster belongs to postgres
		u, err := user.Lookup("postgres")
		if err != nil {
			tb.Fatal(err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		for _, d := range []string{c.dir, filepath.Dir(c.dir)} {
			if err := os.Chown(d, uid, gid); err != nil {
				tb.Fatal(err)
			}
		}
	}
	c.run(filepath.Join(c.bin, "initdb"), "-D", c.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
	c.Start()
	tb.Cleanup(func() { c.pgctl("-m", "immediate", "stop") })
	c.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
	return c
}

func (c *Cluster) data() string { return filepath.Join(c.dir, "data") }

// Start starts the server and waits until it takes connections.
func (c *Cluster) Start() {
	c.tb.Helper()
	c.pgctl("-w", "-l", filepath.Join(c.dir, "log"), "-o",
		fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", c.port, c.dir), "start")
}

// Stop stops the server at once, as a crash would (clients see their
// connections drop).
func (c *Cluster) Stop() {
	c.tb.Helper()
	c.pgctl("-m", "immediate", "stop")
}

func (c *Cluster) pgctl(args ...string) {
	c.tb.Helper()
	c.run(filepath.Join(c.bin, "pg_ctl"), append([]string{"-D", c.data()}, args...)...)
}

func (c *Cluster) run(name string, args ...string) {
	c.tb.Helper()
	cmd := exec.Command(name, args...)
	if os.Getuid() == 0 {
		cmd = exec.Command("su", "postgres", "-s", "/bin/sh", "-c", shellQuote(append([]string{name}, args...)))
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		c.tb.Fatalf("%s: %v\n%s", filepath.Base(name), err, out)
	}
}

func shellQuote(args []string) string {
	s := ""
	for i, a := range args {
		if i > 0 {
			s += " "
		}
		s += "'" + a + "'"
	}
	return s
}
