#!/usr/bin/env bash
# The test command: installs what is missing (tests/install-deps.sh), builds everything, runs the whole suite,
# and ends with one "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tests/install-deps.sh || exit 1

results="$(pwd)/TestResults"
rm -rf "$results"
dotnet test OneFlexTokens.sln --nologo --logger "trx;LogFilePrefix=results" --logger "console;verbosity=minimal" --results-directory "$results"
status=$?

passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
    [ -e "$trx" ] || continue
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    value() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
    passed=$((passed + $(value passed)))
    failed=$((failed + $(value failed)))
    skipped=$((skipped + $(value total) - $(value executed)))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
