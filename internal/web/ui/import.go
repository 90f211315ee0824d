package ui

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
)

// importFile takes the upload form of a collection page (multipart, with
// the file and an optional format) and shows the import's report.
func (h *Handler) importFile(w http.ResponseWriter, r *http.Request) {
	a := h.needLogin(w, r)
	if a == nil || h.limited(w, r, "library", a.Name) {
		return
	}
	body, format, err := readUpload(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	slug := r.PathValue("slug")
	rep, err := h.Library.Import(r.Context(), a, slug, format, body)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "import", page{Title: "Import report", Nav: "library",
		Data: map[string]any{"Report": rep, "Back": collectionURL(a.Name, slug)}})
}

// readUpload reads the "file" part (and "format") of a multipart form,
// or a plain body; the server bounds its size.
func readUpload(r *http.Request) ([]byte, string, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		b, err := io.ReadAll(r.Body)
		return b, r.URL.Query().Get("format"), tooBig(err)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", model.Errorf(model.EINVALID, "could not read the upload: %v", err)
	}
	var body []byte
	format := ""
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, "", tooBig(err)
		}
		switch part.FormName() {
		case "file":
			if body, err = io.ReadAll(part); err != nil {
				return nil, "", tooBig(err)
			}
		case "format":
			b, _ := io.ReadAll(io.LimitReader(part, 16))
			format = strings.TrimSpace(string(b))
		}
	}
	if len(body) == 0 {
		return nil, "", model.Errorf(model.EINVALID, "choose a file to import")
	}
	return body, format, nil
}

func tooBig(err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return model.Errorf(model.EINVALID, "the file is larger than %d MB", core.MaxImportBytes>>20)
	}
	if err != nil {
		return model.Errorf(model.EINVALID, "could not read the upload: %v", err)
	}
	return nil
}
