# SPDX-License-Identifier: MIT
# zsh -f zsh-complete.zsh FPATH-DIR OUT-DIR LINE...
#
# Drives a real interactive zsh on a pseudo-terminal (the zsh/zpty module):
# loads the completion system with FPATH-DIR first in $fpath, types each
# LINE followed by TAB, and writes the matches the completion functions
# added (every compadd, captured with -O) to OUT-DIR/N, one per line.
zmodload zsh/zpty || { print -u2 "zsh/zpty is missing"; exit 77 }
fdir=$1 dir=$2
shift 2
zpty z zsh -f -i
zpty -w z "PS1= RPROMPT=; fpath=($fdir \$fpath); autoload -Uz compinit; compinit -u -D"
# No listing, no menu: a list longer than the terminal would ask first.
zpty -w z "unsetopt autolist listambiguous automenu; LISTMAX=100000"
zpty -w z 'comp_capture() { compadd() { local -a m; builtin compadd -O m "$@"; (( $#m )) && print -rl -- $m >>$__out; builtin compadd "$@"; }; }'
zpty -w z 'comp_done() { : >$__out.done; }'

# Wait for FILE to appear, reading the terminal meanwhile (or zsh blocks
# writing to it).
wait_for() {
	local i chunk
	for ((i = 0; i < 1000; i++)); do
		while zpty -rt z chunk 2>/dev/null; do :; done
		[[ -e $1 ]] && return 0
		sleep 0.01
	done
	print -u2 "zsh did not answer within 10 s"
	exit 1
}

# An empty line: the command typed runs once the line before is done.
sync() {
	rm -f $dir/.sync
	zpty -w z $'\C-u'"touch $dir/.sync"
	wait_for $dir/.sync
}

# Nothing is typed while the completion runs: compsys cuts corners when
# keys are pending. comppostfuncs run when it is done.
complete_line() {
	rm -f $1.done
	zpty -w z "__out=$1; compprefuncs=(comp_capture); comppostfuncs=(comp_done)"
	zpty -w -n z "$2"$'\t'
	wait_for $1.done
	rm -f $1.done
	sync
}

sync
# The first completion loads the completion system: not counted.
complete_line $dir/.first 'srr --'
n=0
for line in "$@"; do
	n=$((n + 1))
	: >$dir/$n
	complete_line $dir/$n $line
done
zpty -d z
