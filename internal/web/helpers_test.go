package web_test

import "github.com/quire/quire/internal/store"

func storeAll() store.PaperFilter { return store.PaperFilter{OnDaily: true} }

func storeCheckpoint() store.Checkpoint { return store.Checkpoint{} }
