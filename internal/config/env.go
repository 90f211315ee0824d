package config

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
)

// Each flag has one environment variable, QUIRE_ and its name in upper case
// with '-' as '_', except where an older name is kept.
var envOverrides = map[string]string{
	"format":   "QUIRE_ARXIV_FORMAT",
	"contact":  "QUIRE_ARXIV_CONTACT",
	"interval": "QUIRE_ARXIV_INTERVAL",
}

// Secret flags are masked by `quire config` and can be read from a file
// named by their variable with _FILE appended (QUIRE_SMTP_URL_FILE), as
// container secrets are mounted.
var secretFlags = map[string]bool{
	"smtp-url": true, "admin-token": true, "embed-key": true, "metrics-token": true,
	"database-url": true, "secret-key": true, "oidc-client-secret": true,
}

// EnvName is the environment variable of a flag.
func EnvName(flagName string) string {
	if e, ok := envOverrides[flagName]; ok {
		return e
	}
	return "QUIRE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// ApplyEnv sets every flag of fs whose variable is set, through the flag's
// own parser: an invalid value is an error that names the variable, never a
// silent default. Flags given on the command line are parsed afterwards and
// win. readFile reads *_FILE secrets (os.ReadFile when nil).
func ApplyEnv(fs *flag.FlagSet, getenv func(string) string, readFile func(string) ([]byte, error)) error {
	if readFile == nil {
		readFile = os.ReadFile
	}
	var errs []string
	fs.VisitAll(func(f *flag.Flag) {
		name := EnvName(f.Name)
		v, set := getenv(name), getenv(name) != ""
		if path := getenv(name + "_FILE"); secretFlags[f.Name] && path != "" {
			if set {
				errs = append(errs, fmt.Sprintf("%s and %s_FILE are both set; keep one", name, name))
				return
			}
			b, err := readFile(path)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s_FILE: %v", name, err))
				return
			}
			v, set = strings.TrimSpace(string(b)), true
			if v == "" {
				errs = append(errs, fmt.Sprintf("%s_FILE: %s is empty", name, path))
				return
			}
		}
		if !set {
			return
		}
		if err := fs.Set(f.Name, v); err != nil {
			errs = append(errs, fmt.Sprintf("%s=%q: invalid value for --%s: %v", name, mask(f.Name, v), f.Name, err))
		}
	})
	if len(errs) > 0 {
		return fmt.Errorf("config: %s", strings.Join(errs, "; "))
	}
	return nil
}

func mask(flagName, v string) string {
	if secretFlags[flagName] && v != "" {
		return "****"
	}
	return v
}

// Effective lists every flag of fs with its value, secrets masked, sorted:
// what `quire config` prints.
func Effective(fs *flag.FlagSet) []string {
	var out []string
	fs.VisitAll(func(f *flag.Flag) {
		out = append(out, fmt.Sprintf("%s=%s", f.Name, mask(f.Name, f.Value.String())))
	})
	sort.Strings(out)
	return out
}
