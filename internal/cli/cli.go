// Package cli is quire's command line: one flag set per subcommand, and the
// Main type that `serve` runs, which tests start for real on port 0.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Env is the process environment a command sees, injected for tests.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// Version is set at build time with -ldflags "-X …cli.Version=…".
var Version = "dev"

type command struct {
	name, usage string
	run         func(ctx context.Context, args []string, env Env) error
}

func commands() []command {
	return []command{
		{"serve", "run the web server", runServe},
		{"config", "print the effective configuration of serve (flags and QUIRE_* variables), secrets masked", runConfig},
		{"backup", "write a consistent copy of a running instance (database and signing key): backup [--data DIR] FILE", runBackup},
		{"copy", "move an instance between databases: copy --data DIR --to postgres://… | --from postgres://… --to sqlite:DIR", runCopy},
		{"restore", "restore a backup into an empty data directory: restore FILE --data DIR", runRestore},
		{"migrate", "apply pending database migrations and exit", runMigrate},
		{"ingest", "import papers: ingest hf|oai|arxiv|kaggle …", runIngest},
		{"user", "manage accounts: user add NAME --email E [--admin], user passwd NAME", runUser},
		{"token", "print a new API token: token create NAME", runToken},
		{"search", "search papers: search [--json] [--limit N] QUERY", runSearch},
		{"eval", "search quality on a test collection: eval --docs D --queries Q --qrels R [--json]", runEval},
		{"digest", "e-mail digests: digest send --period daily|weekly, digest preview EMAIL", runDigest},
		{"version", "print the version", func(_ context.Context, _ []string, env Env) error {
			fmt.Fprintln(env.Stdout, "quire", Version)
			return nil
		}},
	}
}

// errUsage marks errors for which the usage text helps.
var errUsage = errors.New("usage")

// Run runs the command named by args[0] and returns the exit code.
func Run(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.Stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], env)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintln(env.Stderr, "quire:", err)
			return 2
		}
		fmt.Fprintln(env.Stderr, "quire:", err)
		return 1
	}
	fmt.Fprintf(env.Stderr, "quire: unknown command %q\n", args[0])
	usage(env.Stderr)
	return 2
}

func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("quire: a self-hosted Daily Papers service\n\nUsage: quire COMMAND [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-8s %s\n", c.name, c.usage)
	}
	b.WriteString("\nRun 'quire COMMAND -h' for a command's flags.\n")
	fmt.Fprint(w, b.String())
}

func newFlagSet(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet("quire "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}
