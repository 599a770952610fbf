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

# ZLE takes keys in order: a command typed after the TAB runs once the
# completion is done. Read the terminal meanwhile, or zsh blocks on it.
sync() {
	local i chunk
	rm -f $dir/.sync
	zpty -w z $'\C-u'"touch $dir/.sync"
	for ((i = 0; i < 400; i++)); do
		while zpty -rt z chunk 2>/dev/null; do :; done
		[[ -e $dir/.sync ]] && return 0
		sleep 0.025
	done
	print -u2 "zsh did not answer within 10 s"
	exit 1
}

complete_line() {
	zpty -w z "__out=$1; compprefuncs=(comp_capture)"
	zpty -w -n z "$2"$'\t'
	sync
}

sync
# The first completion loads the completion system: not counted.
complete_line /dev/null 'srr --'
n=0
for line in "$@"; do
	n=$((n + 1))
	: >$dir/$n
	complete_line $dir/$n $line
done
zpty -d z
