# bash completion for capture and analyze (iowait-doctor).
# Installed under both names in bash-completion's completions directory.
# Options are read from the binaries' own --help, so they never drift from
# what the installed version accepts.

_iowd_opts()
{
	"$1" --help 2>/dev/null | grep -o -- '--\?[a-zA-Z][a-zA-Z-]*' | grep '^-' | sort -u
}

_iowd_files()
{
	# captures and their JSON Lines dumps, and directories to walk into
	compopt -o filenames 2>/dev/null
	local x
	for x in zst jsonl zst.1; do
		COMPREPLY+=($(compgen -f -X "!*.$x" -- "$1"))
	done
	COMPREPLY+=($(compgen -d -- "$1"))
}

_iowd_capture()
{
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	COMPREPLY=()
	case $prev in
	-o) _iowd_files "$cur"; return ;;
	--proc-root|--cgroup-root) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")); return ;;
	--kmsg) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--sysrq) COMPREPLY=($(compgen -W 'auto off every=' -- "$cur")); return ;;
	-i|-n|-d|--flush|--frame|--max-size|--sysrq-when|--cgroup-depth|--max-tasks) return ;;
	esac
	COMPREPLY=($(compgen -W "$(_iowd_opts "${COMP_WORDS[0]}")" -- "$cur"))
}

_iowd_analyze()
{
	local cur prev cmds i
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	cmds='timeline top html dump info stacks triage redact'
	COMPREPLY=()
	case $prev in
	-o|--output|--baseline) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--sort) COMPREPLY=($(compgen -W 'cpu rss majflt state' -- "$cur")); return ;;
	--step|--healthy|--faulty|--from|--to|--at|-p|--pid|--rows|--jobs|--capture) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_iowd_opts "${COMP_WORDS[0]}")" -- "$cur"))
		return
	fi
	# the first word may be a command; after that, files
	for ((i = 1; i < COMP_CWORD; i++)); do
		[[ ${COMP_WORDS[i]} != -* ]] && break
	done
	if ((i == COMP_CWORD)); then
		COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
	fi
	if [[ ${COMP_WORDS[i]} == stacks ]]; then
		compopt -o filenames 2>/dev/null
		COMPREPLY+=($(compgen -f -- "$cur"))
	else
		_iowd_files "$cur"
	fi
}

complete -F _iowd_capture capture
complete -F _iowd_analyze analyze
