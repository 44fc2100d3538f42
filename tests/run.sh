#!/usr/bin/env bash
# The test command: installs what is missing (tests/install-deps.sh), builds everything, runs the xunit suite and
# then every Pester file in the pinned pwsh (.config/dotnet-tools.json), and ends with one line counting both:
# "N passed, N failed, N skipped". A failure in either fails the command; with CI=true a skipped test does too.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tests/install-deps.sh || exit 1

results="$(pwd)/TestResults"
rm -rf "$results"
dotnet tool restore >/dev/null || { echo "dotnet tool restore failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
dotnet build OneFlexTokens.sln --nologo -v quiet || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }

dotnet test OneFlexTokens.sln --no-build --nologo --logger "trx;LogFilePrefix=results" --logger "console;verbosity=minimal" --results-directory "$results"
xunit_status=$?

dotnet tool run pwsh -NoProfile -NonInteractive -File tests/Pester/Invoke-PesterSuite.ps1 -ResultsDirectory "$results"
pester_status=$?

passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
    [ -e "$trx" ] || continue
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    value() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
    passed=$((passed + $(value passed)))
    failed=$((failed + $(value failed)))
    skipped=$((skipped + $(value total) - $(value executed)))
done
xunit_failed=$failed
xunit_skipped=$skipped
if [ "${CI:-}" = "true" ] && [ "$xunit_skipped" -gt 0 ]; then
    echo "CI=true: $xunit_skipped xunit test(s) were skipped, which counts as a failure here."
    xunit_status=1
fi
pester_failed=0 pester_skipped=0
if [ -f "$results/pester-counts.txt" ]; then
    read -r pester_passed pester_failed pester_skipped < "$results/pester-counts.txt"
    passed=$((passed + pester_passed)) failed=$((failed + pester_failed)) skipped=$((skipped + pester_skipped))
fi
# A run that failed without a failed test to show for it (a build break, a crashed runner) still counts as one.
if [ "$xunit_status" -ne 0 ] && [ "$xunit_failed" -eq 0 ] && ! { [ "${CI:-}" = "true" ] && [ "$xunit_skipped" -gt 0 ]; }; then
    failed=$((failed + 1))
fi
if [ "$pester_status" -ne 0 ] && [ "$pester_failed" -eq 0 ] && ! { [ "${CI:-}" = "true" ] && [ "$pester_skipped" -gt 0 ]; }; then
    failed=$((failed + 1))
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$xunit_status" -eq 0 ] && [ "$pester_status" -eq 0 ]
