package sqlstore

import (
	"context"
	"fmt"

	"github.com/quire/quire/internal/model"
)

const orgSelect = `SELECT o.name, o.object_id, o.fullname, o.avatar,
	(SELECT COUNT(*) FROM papers p WHERE p.organization = o.name) AS n
	FROM organizations o`

// FindOrganizationByName implements store.OrganizationStore.
func (db *DB) FindOrganizationByName(ctx context.Context, name string) (*model.Organization, error) {
	var o model.Organization
	err := db.R.QueryRowContext(ctx, orgSelect+` WHERE o.name = $1`, name).
		Scan(&o.Name, &o.ObjectID, &o.Fullname, &o.Avatar, &o.NumPapers)
	if isNotFound(err) {
		return nil, model.Errorf(model.ENOTFOUND, "organization %s not found", name)
	}
	if err != nil {
		return nil, fmt.Errorf("store: find organization %s: %w", name, err)
	}
	return &o, nil
}

// FindOrganizations implements store.OrganizationStore.
func (db *DB) FindOrganizations(ctx context.Context) ([]*model.Organization, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT * FROM (`+orgSelect+`) t WHERE n > 0 ORDER BY n DESC, name`)
	if err != nil {
		return nil, fmt.Errorf("store: find organizations: %w", err)
	}
	defer rows.Close()
	var out []*model.Organization
	for rows.Next() {
		var o model.Organization
		if err := rows.Scan(&o.Name, &o.ObjectID, &o.Fullname, &o.Avatar, &o.NumPapers); err != nil {
			return nil, fmt.Errorf("store: scan organization: %w", err)
		}
		out = append(out, &o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find organizations: %w", err)
	}
	return out, nil
}
