package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/web/ui"
)

// readPassword reads a password: from the terminal without echo, or the
// first line of standard input when it is not a terminal (scripts).
func readPassword(env Env, prompt string) (string, error) {
	if f, ok := env.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(env.Stderr, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.Stderr)
		return string(b), err
	}
	if env.Stdin == nil {
		return "", errors.New("no password: pipe it on standard input")
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func runUser(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "passwd") {
		return fmt.Errorf("%w: quire user add NAME --email E [--admin|--moderator] | quire user passwd NAME", errUsage)
	}
	var email string
	var admin, moderator bool
	cfg, log, rest, err := setup("user "+args[0], args[1:], env, func(fs *flag.FlagSet, _ *config.Config) {
		if args[0] == "add" {
			fs.StringVar(&email, "email", "", "e-mail address (required)")
			fs.BoolVar(&admin, "admin", false, "make the account an administrator")
			fs.BoolVar(&moderator, "moderator", false, "make the account a moderator")
		}
	})
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return fmt.Errorf("%w: name one user", errUsage)
	}
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	accounts := &core.Accounts{Store: db, Now: time.Now, SessionTTL: ui.SessionTTL}
	password, err := readPassword(env, "Password: ")
	if err != nil {
		return err
	}
	if args[0] == "passwd" {
		acct, err := db.FindAccount(ctx, rest[0])
		if err != nil {
			return err
		}
		if _, err := accounts.SetPassword(ctx, acct, password); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "password of %s changed; its sessions were logged out\n", rest[0])
		return nil
	}
	role := model.RoleMember
	switch {
	case admin:
		role = model.RoleAdmin
	case moderator:
		role = model.RoleModerator
	}
	if _, err := accounts.Signup(ctx, rest[0], email, password, role); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "created %s %s\n", role, rest[0])
	return nil
}

func runToken(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("%w: quire token create NAME [--name LABEL]", errUsage)
	}
	var label string
	cfg, log, rest, err := setup("token create", args[1:], env, func(fs *flag.FlagSet, _ *config.Config) {
		fs.StringVar(&label, "name", "cli", "a label for the token")
	})
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return fmt.Errorf("%w: name one user", errUsage)
	}
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.FindAccount(ctx, rest[0]); err != nil {
		return err
	}
	token, err := (&core.Accounts{Store: db, Now: time.Now}).CreateToken(ctx, rest[0], label)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, token)
	return nil
}
