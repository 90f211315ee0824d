package ingest

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/quire/quire/internal/arxiv"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// KaggleBatch is how many papers go in one transaction: large enough that
// commits are cheap, small enough that a killed import loses little.
const KaggleBatch = 5000

// KaggleOptions configure a bulk import.
type KaggleOptions struct {
	// Progress, when set, is called after each batch with bytes and lines
	// consumed so far, for a progress bar or log lines.
	Progress func(offset, lines int64, papers int)
	// Total is the input's size in bytes when known (0 otherwise).
	Total int64
}

// KaggleResult sums up an import.
type KaggleResult struct {
	Lines    int64
	Papers   int
	Inserted int
	Updated  int
	Skipped  int
	Errors   []*arxiv.RecordError // the first 100 skipped records
	Resumed  int64                // the line the import resumed after (0: from the start)
	Elapsed  time.Duration
}

// Kaggle imports the Kaggle arxiv-metadata-oai-snapshot JSON lines from
// path (".gz" is decompressed; "-" reads standard input). Lines are parsed
// on one goroutine and written in batches on another, each batch in one
// transaction with the byte offset it reached, so that running it again
// after a crash resumes where the last batch ended.
func Kaggle(ctx context.Context, st store.IngestStore, path string, opts KaggleOptions, log *slog.Logger) (*KaggleResult, error) {
	start := time.Now()
	in, source, err := openKaggle(path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	res := &KaggleResult{}
	var offset, line int64
	if source != "" {
		prog, err := st.FindImportProgress(ctx, source)
		switch {
		case err == nil && prog.Done:
			log.Info("this file was imported completely before; importing it again", slog.String("file", path))
		case err == nil:
			offset, line = prog.Offset, prog.Line
			res.Resumed = line
			log.Info("resuming import", slog.String("file", path), slog.Int64("line", line), slog.Int64("offset", offset))
		case model.ErrorCode(err) != model.ENOTFOUND:
			return nil, err
		}
	}
	r, err := in.reader(offset)
	if err != nil {
		return nil, err
	}
	lr := arxiv.NewLineReader(r, offset, line)

	batches := make(chan kaggleBatch, 2)
	parseErr := make(chan error, 1)
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { parseErr <- parseKaggle(pctx, lr, path, batches) }()

	for b := range batches {
		prog := &store.ImportProgress{Source: source, Offset: b.offset, Line: b.line, Done: b.last}
		cp := store.Checkpoint{}
		if source != "" {
			cp.Progress = prog
		}
		up, err := st.UpsertArxiv(ctx, b.papers, cp)
		if err != nil {
			cancel()
			for range batches { // let the parser finish
			}
			return res, fmt.Errorf("%s: batch ending at line %d: %w", path, b.line, err)
		}
		res.Lines, res.Papers = b.line, res.Papers+len(b.papers)
		res.Inserted += up.Inserted
		res.Updated += up.Updated
		res.Skipped += len(b.skipped)
		for _, e := range b.skipped {
			if len(res.Errors) < 100 {
				res.Errors = append(res.Errors, e)
				log.Warn("record skipped", slog.String("error", e.Error()))
			}
		}
		if opts.Progress != nil {
			opts.Progress(b.offset, b.line, res.Papers)
		}
	}
	res.Elapsed = time.Since(start)
	if err := <-parseErr; err != nil {
		return res, err
	}
	return res, nil
}

type kaggleBatch struct {
	papers       []*model.Paper
	skipped      []*arxiv.RecordError
	offset, line int64
	last         bool
}

func parseKaggle(ctx context.Context, lr *arxiv.LineReader, path string, out chan<- kaggleBatch) error {
	defer close(out)
	b := kaggleBatch{}
	buf := make([]byte, 0, 64<<10)
	for {
		line, err := lr.Next(buf)
		if errors.Is(err, io.EOF) {
			b.offset, b.line, b.last = lr.Offset, lr.Line, true
			select {
			case out <- b:
			case <-ctx.Done():
			}
			return nil
		}
		if err != nil && !errors.Is(err, arxiv.ErrLineTooLong) {
			return fmt.Errorf("%s: line %d: %w", path, lr.Line+1, err)
		}
		var p *model.Paper
		if err == nil {
			p, err = arxiv.ParseKaggleLine(line)
		}
		if err != nil {
			re := &arxiv.RecordError{Source: path, Position: fmt.Sprintf("line %d", lr.Line), Err: err}
			if p != nil {
				re.ID = p.ID
			}
			b.skipped = append(b.skipped, re)
		} else {
			b.papers = append(b.papers, p)
		}
		if len(b.papers) >= KaggleBatch {
			b.offset, b.line = lr.Offset, lr.Line
			select {
			case out <- b:
			case <-ctx.Done():
				return ctx.Err()
			}
			b = kaggleBatch{papers: make([]*model.Paper, 0, KaggleBatch)}
		}
	}
}

// kaggleInput is an opened input that can restart at a byte offset of its
// (decompressed) content.
type kaggleInput struct {
	f    *os.File
	gz   bool
	gzr  *gzip.Reader
	name string
}

func (k *kaggleInput) Close() error {
	if k.gzr != nil {
		k.gzr.Close()
	}
	if k.f != os.Stdin {
		return k.f.Close()
	}
	return nil
}

// reader returns the content from offset: a seek for plain files, a skip
// through the decompressed stream for gzip.
func (k *kaggleInput) reader(offset int64) (io.Reader, error) {
	if !k.gz {
		if offset > 0 {
			if _, err := k.f.Seek(offset, io.SeekStart); err != nil {
				return nil, fmt.Errorf("%s: seek to %d: %w", k.name, offset, err)
			}
		}
		return k.f, nil
	}
	zr, err := gzip.NewReader(bufio.NewReaderSize(k.f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", k.name, err)
	}
	k.gzr = zr
	if offset > 0 {
		if _, err := io.CopyN(io.Discard, zr, offset); err != nil {
			return nil, fmt.Errorf("%s: skip to %d: %w", k.name, offset, err)
		}
	}
	return zr, nil
}

// openKaggle opens path and names it for progress records by path, size
// and modification time, so that a changed file starts over. Standard input
// cannot resume and has no name.
func openKaggle(path string) (*kaggleInput, string, error) {
	if path == "-" {
		return &kaggleInput{f: os.Stdin, name: "stdin"}, "", nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, "", err
	}
	in := &kaggleInput{f: f, name: path}
	var magic [2]byte
	if n, _ := f.ReadAt(magic[:], 0); n == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		in.gz = true
	}
	return in, fmt.Sprintf("kaggle:%s:%d:%d", path, st.Size(), st.ModTime().UnixNano()), nil
}
