package deploy

import (
	"slices"
	"testing"
)

func TestLoadActions(t *testing.T) {
	tests := []struct {
		name    string
		config  string // "" leaves the file absent
		want    Actions
		wantErr bool
	}{
		{name: "absent: the sample's units", want: Actions{Units: []string{"nordvpnd.service"}}},
		{
			name:   "units sorted, duplicates dropped, other keys ignored",
			config: "listen: 127.0.0.1:8000\nactions:\n  sudo: true\n  units: {b: z.service, a: nordvpnd.service, c: z.service}\n",
			want:   Actions{Units: []string{"nordvpnd.service", "z.service"}, Sudo: true},
		},
		{name: "no actions section", config: "listen: 127.0.0.1:8000\n", want: Actions{}},
		{name: "not YAML", config: "actions: [unclosed\n", wantErr: true},
		{name: "units not a map", config: "actions: {units: [a.service]}\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			if tt.config != "" {
				writeFile(t, onRoot(root, DefaultConfigPath), tt.config)
			}
			got, err := LoadActions(root, "")
			if (err != nil) != tt.wantErr {
				t.Fatalf("LoadActions() error = %v, wantErr %v", err, tt.wantErr)
			}
			if !slices.Equal(got.Units, tt.want.Units) || got.Sudo != tt.want.Sudo {
				t.Errorf("LoadActions() = %+v, want %+v", got, tt.want)
			}
		})
	}
}
