#!/bin/sh
# Prepares a build of FerretDB whose SQLite backend uses its own unique _id index. Run from
# tools/ferretdb (Go module mode, module proxy reachable or module cache filled):
#
#   GO=go sh id_index_fix.sh /abs/work/dir    -> prints the -modfile to build with
#
# It copies the pinned FerretDB module (3.4 MB) to <dir>/FerretDB, changes one line there and
# writes <dir>/build.mod (+ build.sum): this folder's go.mod with a `replace` to that copy.
# (`go build -overlay` cannot do it: Go refuses to overlay files in the module cache.)
#
# Why: FerretDB 1.24.2 creates each collection's _id index on the expression
# `_ferretdb_sjson->"_id"` but filters on `_ferretdb_sjson->'$._id'` (metadata.IDColumn).
# SQLite uses an expression index only for the same expression, so every find, update and
# delete by _id scans the whole table: measured on 10,031 purchase histories, 1.26 s for one
# find_one and 2.47 s for one delete_one (0.026 s and 0.007 s with the fix). `->'_id'` is the
# same path (SQLite reads a label without `$` as `$.label`) and matches the index (EXPLAIN
# QUERY PLAN: SEARCH ... USING INDEX). Nothing else changes: the stored documents and the
# index are FerretDB's own.
set -eu

out=${1:?usage: id_index_fix.sh /abs/work/dir}
go=${GO:-go}
module=$("$go" list -m -f '{{.Dir}}' github.com/FerretDB/FerretDB)
file=internal/backends/sqlite/metadata/metadata.go
old="IDColumn = DefaultColumn + \"->'\$._id'\""
new="IDColumn = DefaultColumn + \"->'_id'\""

if [ "$(grep -cF "$old" "$module/$file")" != 1 ]; then
  echo "ferretdb: $module/$file no longer has the line the _id index fix replaces ($old); review tools/ferretdb/id_index_fix.sh for this FerretDB version" >&2
  exit 1
fi
# a copy from the read-only module cache is read-only until chmod: make it removable first
[ ! -d "$out/FerretDB" ] || chmod -R u+w "$out/FerretDB"
rm -rf "$out/FerretDB"
mkdir -p "$out"
cp -R "$module" "$out/FerretDB"
chmod -R u+w "$out/FerretDB"
sed "s|->'\$\._id'\"|->'_id'\"|" "$module/$file" > "$out/FerretDB/$file"
if [ "$(grep -cF "$new" "$out/FerretDB/$file")" != 1 ] || [ "$(diff "$module/$file" "$out/FerretDB/$file" | grep -c '^[<>]')" != 2 ]; then
  echo "ferretdb: the _id index fix did not apply as one changed line to $file" >&2
  exit 1
fi
cp go.mod "$out/build.mod"
cp go.sum "$out/build.sum"
"$go" mod edit -modfile="$out/build.mod" -replace "github.com/FerretDB/FerretDB=$out/FerretDB"
echo "$out/build.mod"
