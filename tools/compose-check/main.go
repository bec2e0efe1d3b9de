// Command compose-check loads a docker-compose file with compose-go, the loader docker compose
// itself uses: schema validation, interpolation, YAML merges, depends_on. CI has no Docker
// engine (and no compose plugin), so this is how the file is proven loadable there.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	file := flag.String("file", "docker-compose.yml", "the compose file")
	envFile := flag.String("env-file", ".env", "the env file interpolated into it")
	flag.Parse()

	options, err := cli.NewProjectOptions(
		[]string{*file},
		// Relative paths (build contexts, mounts) resolve against the compose file's directory.
		cli.WithWorkingDirectory(filepath.Dir(*file)),
		cli.WithEnvFiles(*envFile),
		cli.WithDotEnv,
		cli.WithName("cartograph"),
	)
	if err == nil {
		project, loadErr := options.LoadProject(context.Background())
		if loadErr == nil {
			names := project.ServiceNames()
			sort.Strings(names)
			fmt.Printf("%d services: %s\n", len(names), strings.Join(names, " "))
			return
		}
		err = loadErr
	}
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
