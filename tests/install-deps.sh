#!/usr/bin/env bash
# Installs with apt what the tests and the demo drive for real: Chromium, Xvfb, a Docker engine, busybox for the test image,
# python3 with python-dotenv (the bot's own .env parser, for tests/OneFlexTokens.Tests/EnvFiles/DotenvDifferentialTests),
# cron (the crontab program the scheduled-renewal tests register with), zbar-tools (zbarimg, the QR decoder that reads back
# the terminal QR code in tests/OneFlexTokens.Tests/RemoteSignIn/QrTextTests), and Debian's docker-compose 1.29 (the real
# compose that creates the containers of tests/OneFlexTokens.Tests/Docker/DockerComposeProjectTests).
# Does nothing when all are there; needs root (or sudo) and apt otherwise.
set -uo pipefail

packages=(chromium xvfb xauth docker.io docker-compose busybox-static python3 python3-dotenv cron zbar-tools)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: no apt-get here; install ${missing[*]} (or their equivalents) yourself. Tests that need them are skipped." >&2
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 && sudo="sudo" || { echo "install-deps: not root and no sudo; install ${missing[*]} yourself." >&2; exit 0; }
fi

install() {
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
echo "install-deps: installing ${missing[*]}"
install || { echo "install-deps: apt failed once; retrying" >&2; sleep 5; install; } || { echo "install-deps: could not install ${missing[*]}" >&2; exit 1; }
