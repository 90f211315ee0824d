package ingest_test

import "github.com/quire/quire/internal/model"

func mustDay(s string) model.Date { return model.MustDate(s) }
