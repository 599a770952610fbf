# Sourced by contrib/test.sh and contrib/quickstart.sh: install the Debian
# packages srr builds, tests and runs with, when any is missing.
# SPEC.md lists them; keep the three lists below in step with it.

SRR_BUILD_PACKAGES=(meson ninja-build pkg-config gcc g++ python3
	libgnutls28-dev gnutls-bin libp11-kit-dev p11-kit
	libsqlite3-dev sqlite3 libyaml-dev scdoc)
# clang and its runtimes (libclang-rt-dev: libFuzzer) build tests/fuzz;
# chromium renders the HTML report in tests/cli/test-report.sh; zsh runs
# the zsh completion (tests/cli/test-completion.sh); systemd's
# systemd-analyze checks the units (man-db: their Documentation=) and
# util-linux's unshare runs the service's command sandboxed
# (tests/test-install.sh); strace shows and time measures what srr opens
# and holds in tests/cli/test-hostile.sh; gdb takes the cores that
# tests/cli/test-pin.sh searches for the PIN.
SRR_TEST_PACKAGES=(check valgrind jq softhsm2 opensc openssl util-linux clang libclang-rt-dev
	chromium zsh systemd man-db strace time gdb
	# tests/cli/test-tpm.sh: tpm2-pkcs11, a token that locks its PIN, over
	# a software TPM.
	swtpm swtpm-tools tpm2-tools libtpm2-pkcs11-1 libtss2-tcti-swtpm0)
# The quickstart's demo token (SoftHSM2) and the OpenSSL cross-check.
SRR_DEMO_PACKAGES=(softhsm2 openssl)

srr_install_missing() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	local sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null || {
			echo "srr: need root or sudo to install: ${missing[*]}" >&2
			return 1
		}
		sudo=(sudo)
	fi
	echo "srr: installing ${missing[*]}" >&2
	"${sudo[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
}
