package ui

import (
	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
)

// canLinks asks the one authorization layer whether the viewer may set a
// paper's links, to show the form only to them.
func canLinks(a *model.Account, p *model.Paper) bool { return core.CanSetLinks(a, p) == nil }
