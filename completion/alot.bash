# alot.bash - bash completion for alot-draw, alot-verify, alot-verify-net,
# alot-ledger and alot-witness.  Installed as share/bash-completion/completions/alot-draw
# (the others are links to it); or source it from ~/.bashrc.
#
# Commands and options are listed here, not read from --help at each TAB;
# tests/integration/test_install.sh checks them against each --help.

_alot_draw_commands="keygen commit freeze execute export status log beacon run"
_alot_draw_opts_beacon="--help --version"
_alot_draw_beacon_commands="fetch check"
_alot_draw_opts_beacon_fetch="--after --chain --base-url --cacert --beacon-cert --wait --timeout --output --help --version"
_alot_draw_opts_beacon_check="--after --chain --beacon-cert --help --version"
_alot_draw_opts_top="--help --version"
_alot_draw_opts_keygen="--signing-key --public-key --seal-key --help --version"
_alot_draw_opts_commit="--room --signing-key --seal-key --beacon-rule --witness-policy --dbname --help --version"
_alot_draw_opts_freeze="--room --signing-key --dbname --help --version"
_alot_draw_opts_execute="--room --admin --signing-key --seal-key --dbname --beacon-pulse --beacon-previous --beacon-url
 --cacert --beacon-wait --beacon-cert --help --version"
_alot_draw_opts_export="--room --proof --all --since --output --dbname --help --version"
_alot_draw_opts_status="--dbname --help --version"
_alot_draw_opts_run="--admin --signing-key --seal-key --log-key --origin --witness-key --witness-exec --publish --export --poll
 --once --beacon-url --cacert --beacon-cert --beacon-wait --dbname --help --version"
_alot_draw_opts_log="--help --version"
_alot_draw_log_commands="checkpoint vkey witness publish consistency"
_alot_draw_opts_log_checkpoint="--key --origin --size --dbname --help --version"
_alot_draw_opts_log_vkey="--key --origin --help --version"
_alot_draw_opts_log_witness="--witness-key --witness-exec --size --dbname --help --version"
_alot_draw_opts_log_publish="--output --dbname --help --version"
_alot_draw_opts_log_consistency="--old --new --output --dbname --help --version"
_alot_witness_commands="add-checkpoint vkey keygen status serve"
_alot_witness_opts_top="--help --version"
_alot_witness_opts_add_checkpoint="--state --key --name --log --help --version"
_alot_witness_opts_vkey="--key --name --help --version"
_alot_witness_opts_keygen="--secret --public --help --version"
_alot_witness_opts_status="--state --help --version"
_alot_witness_opts_serve="--state --key --name --log --listen --max-requests --help --version"
_alot_verify_opts="--pubkey --commitment --ledger --proof --entry --url --log-key --witness-key --witnesses --log-proof --checkpoint --consistency-proof --monitor --state --max-undrawn --now --beacon-cert
 --format --quiet --list-checks --help --version"
_alot_verify_net_opts="--pubkey --commitment --ledger --proof --entry --url --cacert --timeout --log-key --witness-key --witnesses --log-proof --checkpoint --consistency-proof --monitor --state --max-undrawn --now --beacon-cert
 --format --quiet --list-checks --help --version"
_alot_ledger_opts="--dbname --jobs --engine --memory-limit --check --skip --user --room --allow-writable --pubkey
 --format --progress --verbose --explain --list-checks --help --version"

# _alot_reply KIND CUR: fill COMPREPLY with files (file), folders (dir),
# nothing (-) or the words of KIND.
_alot_reply() {
	local kind=$1 cur=$2
	case $kind in
	file)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
	dir)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
	-) COMPREPLY=() ;;
	*) mapfile -t COMPREPLY < <(compgen -W "$kind" -- "$cur") ;;
	esac
}

# _alot_value_of TOOL COMMAND OPTION: what OPTION takes, as a KIND of
# _alot_reply; prints nothing when OPTION takes no value.
_alot_value_of() {
	local tool=$1 cmd=$2 opt=$3
	case $tool:$cmd:$opt in
	alot-draw:export:-a|alot-draw:export:--all) ;;
	alot-draw:keygen:-p|alot-draw:keygen:--public-key) echo file ;;
	alot-draw:export:-p|alot-draw:export:--proof) echo - ;;
	alot-draw:*:-k|alot-draw:*:--signing-key|alot-draw:*:-s|alot-draw:*:--seal-key) echo file ;;
	alot-draw:log:-o|alot-draw:log:--output)
		[ "${COMP_WORDS[2]}" = consistency ] && echo file || echo dir ;;
	alot-draw:log:-k|alot-draw:log:--key|alot-draw:log:-w|alot-draw:log:--witness-key) echo file ;;
	alot-draw:log:-O|alot-draw:log:--origin|alot-draw:log:-x|alot-draw:log:--witness-exec|\
	alot-draw:log:--old|alot-draw:log:--new) echo - ;;
	alot-draw:beacon:-b|alot-draw:beacon:--beacon-cert|alot-draw:beacon:--cacert) echo file ;;
	alot-draw:beacon:-a|alot-draw:beacon:--after|alot-draw:beacon:-c|alot-draw:beacon:--chain|\
	alot-draw:beacon:-u|alot-draw:beacon:--base-url|alot-draw:beacon:-w|alot-draw:beacon:--wait|\
	alot-draw:beacon:-t|alot-draw:beacon:--timeout) echo - ;;
	alot-draw:*:-o|alot-draw:*:--output) echo dir ;;
	alot-draw:*:-b|alot-draw:*:--beacon-rule) echo "none nist-beacon-2.0" ;;
	alot-draw:commit:-w|alot-draw:commit:--witness-policy|alot-draw:execute:--beacon-pulse|\
	alot-draw:execute:--beacon-previous|alot-draw:execute:--cacert|alot-draw:execute:--beacon-cert) echo file ;;
	alot-draw:execute:--beacon-url|alot-draw:execute:--beacon-wait|alot-draw:log:-n|alot-draw:log:--size) echo - ;;
	alot-draw:run:--log-key|alot-draw:run:-w|alot-draw:run:--witness-key|alot-draw:run:--cacert|\
	alot-draw:run:--beacon-cert) echo file ;;
	alot-draw:run:--publish|alot-draw:run:--export) echo dir ;;
	alot-draw:run:--origin|alot-draw:run:-x|alot-draw:run:--witness-exec|alot-draw:run:--poll|\
	alot-draw:run:--beacon-url|alot-draw:run:--beacon-wait) echo - ;;
	alot-draw:*:-r|alot-draw:*:--room|alot-draw:*:-a|alot-draw:*:--admin|alot-draw:*:-d|alot-draw:*:--dbname|\
	alot-draw:*:--since) echo - ;;
	alot-verify*:*:-k|alot-verify*:*:--pubkey|alot-verify*:*:-c|alot-verify*:*:--commitment|\
	alot-verify*:*:-l|alot-verify*:*:--ledger|alot-verify*:*:-p|alot-verify*:*:--proof|alot-verify*:*:--cacert|\
	alot-verify*:*:--log-key|alot-verify*:*:--witness-key|alot-verify*:*:--log-proof|alot-verify*:*:--checkpoint|\
	alot-verify*:*:--consistency-proof|alot-verify*:*:--state|alot-verify*:*:--beacon-cert) echo file ;;
	alot-verify*:*:--monitor) echo dir ;;
	alot-verify*:*:--witnesses|alot-verify*:*:--max-undrawn|alot-verify*:*:--now) echo - ;;
	alot-verify*:*:-e|alot-verify*:*:--entry|alot-verify*:*:-u|alot-verify*:*:--url|alot-verify*:*:--timeout) echo - ;;
	alot-verify*:*:-f|alot-verify*:*:--format|alot-ledger:*:-f|alot-ledger:*:--format) echo "text json" ;;
	alot-ledger:*:-k|alot-ledger:*:--pubkey) echo file ;;
	alot-witness:*:--state) echo dir ;;
	alot-witness:*:--key|alot-witness:*:--log|alot-witness:*:--secret|alot-witness:*:--public) echo file ;;
	alot-witness:*:--name|alot-witness:*:--listen|alot-witness:*:--max-requests) echo - ;;
	alot-ledger:*:--engine) echo "scan sql" ;;
	alot-ledger:*:-d|alot-ledger:*:--dbname|alot-ledger:*:-j|alot-ledger:*:--jobs|alot-ledger:*:-m|\
	alot-ledger:*:--memory-limit|alot-ledger:*:--user|alot-ledger:*:--room) echo - ;;
	alot-ledger:*:--check|alot-ledger:*:--skip)
		# The check names, from the tool itself (it needs no database for this).
		"${COMP_WORDS[0]}" --list-checks 2>/dev/null | awk '{ print $1 }' | tr '\n' ' ' ;;
	esac
}

_alot() {
	local tool=${COMP_WORDS[0]##*/} cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= opts kind
	COMPREPLY=()
	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}
	if [ "$tool" = alot-draw ]; then
		if [ "$COMP_CWORD" -eq 1 ]; then
			_alot_reply "$_alot_draw_commands $_alot_draw_opts_top" "$cur"
			return 0
		fi
		cmd=${COMP_WORDS[1]}
		case " $_alot_draw_commands " in *" $cmd "*) ;; *) return 0 ;; esac
		opts=_alot_draw_opts_$cmd
		opts=${!opts}
		# "alot-draw log|beacon SUBCOMMAND": the subcommand, then its options.
		if [ "$cmd" = log ] || [ "$cmd" = beacon ]; then
			local subs=_alot_draw_${cmd}_commands
			subs=${!subs}
			if [ "$COMP_CWORD" -eq 2 ]; then
				_alot_reply "$subs $opts" "$cur"
				return 0
			fi
			case " $subs " in *" ${COMP_WORDS[2]} "*) ;; *) return 0 ;; esac
			opts=_alot_draw_opts_${cmd}_${COMP_WORDS[2]}
			opts=${!opts}
		fi
	elif [ "$tool" = alot-witness ]; then
		if [ "$COMP_CWORD" -eq 1 ]; then
			_alot_reply "$_alot_witness_commands $_alot_witness_opts_top" "$cur"
			return 0
		fi
		cmd=${COMP_WORDS[1]}
		case " $_alot_witness_commands " in *" $cmd "*) ;; *) return 0 ;; esac
		opts=_alot_witness_opts_${cmd//-/_}
		opts=${!opts}
	else
		opts=_${tool//-/_}_opts
		opts=${!opts-}
	fi
	# --option=VALUE: complete the value.
	if [[ "$cur" == --*=* ]]; then
		kind=$(_alot_value_of "$tool" "$cmd" "${cur%%=*}")
		[ -n "$kind" ] && _alot_reply "$kind" "${cur#*=}"
		return 0
	fi
	kind=$(_alot_value_of "$tool" "$cmd" "$prev")
	if [ -n "$kind" ] && [[ "$prev" == -* ]]; then
		_alot_reply "$kind" "$cur"
		return 0
	fi
	if [[ "$cur" == -* ]] || { [ "$tool" != alot-verify ] && [ "$tool" != alot-verify-net ]; }; then
		_alot_reply "$opts" "$cur"
		return 0
	fi
	# alot-verify's operands are record files.
	_alot_reply file "$cur"
	return 0
}

complete -F _alot alot-draw alot-verify alot-verify-net alot-ledger alot-witness
