#!/usr/bin/env bash
# Integration: our DTLS (dataplane/proto/dtls.c, through the dtls_udp_peer
# helper on 127.0.0.1) against an independent implementation, the openssl
# command line (s_client / s_server). For each case the RFC 5764 keying
# material that openssl exports (-keymatexport EXTRACTOR-dtls_srtp) must
# equal ours, the negotiated SRTP profile must be the server's choice, and
# close_notify must be seen.
#
#   dtls_openssl.sh DTLS_UDP_PEER_EXECUTABLE
#
# Skips (77) without the openssl command. Loopback UDP only.
set -uo pipefail

PEER=${1:?usage: dtls_openssl.sh DTLS_UDP_PEER_EXECUTABLE}
command -v openssl >/dev/null || { echo "SKIP: no openssl command"; exit 77; }
WORK=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT
passed=0
failed=0

ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() {
	echo "FAIL $1"
	shift
	for f in "$@"; do sed 's/^/     | /' "$f"; done
	failed=$((failed + 1))
}

# the openssl side's certificate; our side pins its SHA-256 fingerprint (RFC 8122)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
	-subj /CN=openssl-interop -keyout "$WORK/k.pem" -out "$WORK/c.pem" 2>/dev/null ||
	{ echo "cannot make a certificate"; exit 1; }
FP="sha-256 $(openssl x509 -in "$WORK/c.pem" -noout -fingerprint -sha256 | cut -d= -f2)"
OTHER_FP="sha-256 $(printf '00:%.0s' $(seq 31))00"

# material_len PROFILE: 2 * (16 + salt)
material_len() {
	case $1 in
	SRTP_AES128_CM_SHA1_80) echo 60 ;;
	SRTP_AEAD_AES_128_GCM) echo 56 ;;
	esac
}

# wait_port FILE: the port our server printed
wait_port() {
	for _ in $(seq 100); do
		port=$(awk '/^port /{print $2; exit}' "$1")
		[[ -n $port ]] && { echo "$port"; return 0; }
		sleep 0.05
	done
	return 1
}

# we are the server; openssl s_client offers CLIENT_PROFILES; WANT is the profile we must pick
case_server() {
	local name=$1 client_profiles=$2 want=$3 our_profiles=${4:-}
	local out=$WORK/$name.peer cl=$WORK/$name.s_client port len args=()
	len=$(material_len "$want")
	[[ -n $our_profiles ]] && args=(--profiles "$our_profiles")
	"$PEER" --role server --peer-fp "$FP" --timeout-ms 15000 "${args[@]}" >"$out" 2>&1 &
	local pid=$!
	pids+=("$pid")
	port=$(wait_port "$out") || { bad "$name: helper did not start" "$out"; return; }
	# stdin at EOF: s_client closes (close_notify) right after the handshake
	timeout 20 openssl s_client -dtls1_2 -connect "127.0.0.1:$port" -use_srtp "$client_profiles" \
		-keymatexport EXTRACTOR-dtls_srtp -keymatexportlen "$len" \
		-cert "$WORK/c.pem" -key "$WORK/k.pem" </dev/null >"$cl" 2>&1
	wait "$pid"
	local rc=$?
	local theirs ours
	theirs=$(awk '/Keying material: /{print $3}' "$cl")
	ours=$(awk '/^material /{print $2}' "$out")
	if ((rc == 0)) && [[ -n $ours && $ours == "$theirs" ]] &&
		grep -q "^connected $want\$" "$out" &&
		grep -q "SRTP Extension negotiated, profile=$want" "$cl" &&
		grep -q '^closed remote=1$' "$out"; then
		ok "$name: s_client -> us, $want, ${#ours} hex digits of keying material equal, close_notify seen"
	else
		bad "$name (helper rc $rc)" "$out" "$cl"
	fi
}

# we are the client (a=setup:active); openssl s_server prefers SERVER_PROFILES
case_client() {
	local name=$1 server_profiles=$2 our_profiles=$3 want=$4
	local out=$WORK/$name.peer sv=$WORK/$name.s_server port len
	len=$(material_len "$want")
	port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
		echo $((20000 + RANDOM % 20000)))
	# s_server quits at EOF on stdin: a FIFO held open by us until it is done
	rm -f "$WORK/stdin"
	mkfifo "$WORK/stdin"
	timeout 20 openssl s_server -dtls1_2 -accept "127.0.0.1:$port" \
		-cert "$WORK/c.pem" -key "$WORK/k.pem" -use_srtp "$server_profiles" \
		-keymatexport EXTRACTOR-dtls_srtp -keymatexportlen "$len" -Verify 1 -naccept 1 \
		<"$WORK/stdin" >"$sv" 2>&1 &
	local spid=$!
	pids+=("$spid")
	exec 3>"$WORK/stdin"
	for _ in $(seq 100); do
		grep -q '^ACCEPT' "$sv" 2>/dev/null && break
		sleep 0.05
	done
	"$PEER" --role client --connect "127.0.0.1:$port" --peer-fp "$FP" --profiles "$our_profiles" \
		--close --timeout-ms 15000 >"$out" 2>&1
	local rc=$?
	for _ in $(seq 100); do
		grep -q 'CONNECTION CLOSED' "$sv" 2>/dev/null && break
		sleep 0.05
	done
	exec 3>&-
	wait "$spid"
	local theirs ours
	theirs=$(awk '/Keying material: /{print $3}' "$sv")
	ours=$(awk '/^material /{print $2}' "$out")
	if ((rc == 0)) && [[ -n $ours && $ours == "$theirs" ]] &&
		grep -q "^connected $want\$" "$out" &&
		grep -q "SRTP Extension negotiated, profile=$want" "$sv" &&
		grep -q '^closed remote=0$' "$out"; then
		ok "$name: us -> s_server, $want, ${#ours} hex digits of keying material equal"
	else
		bad "$name (helper rc $rc)" "$out" "$sv"
	fi
}

# our server pins another fingerprint: it must refuse s_client's certificate
case_mismatch() {
	local name=mismatch out=$WORK/mismatch.peer cl=$WORK/mismatch.s_client port
	"$PEER" --role server --peer-fp "$OTHER_FP" --timeout-ms 15000 >"$out" 2>&1 &
	local pid=$!
	pids+=("$pid")
	port=$(wait_port "$out") || { bad "$name: helper did not start" "$out"; return; }
	timeout 20 openssl s_client -dtls1_2 -connect "127.0.0.1:$port" \
		-use_srtp SRTP_AES128_CM_SHA1_80 -cert "$WORK/c.pem" -key "$WORK/k.pem" \
		</dev/null >"$cl" 2>&1
	wait "$pid"
	local rc=$?
	if ((rc == 1)) && grep -q '^failed peer certificate does not match' "$out" &&
		grep -qi 'alert bad certificate' "$cl"; then
		ok "$name: wrong fingerprint refused, s_client got a bad_certificate alert"
	else
		bad "$name (helper rc $rc)" "$out" "$cl"
	fi
}

case_server server-cm SRTP_AES128_CM_SHA1_80 SRTP_AES128_CM_SHA1_80
case_server server-gcm SRTP_AEAD_AES_128_GCM SRTP_AEAD_AES_128_GCM
# the server's order decides (RFC 5764 §4.1.1): ours is GCM first by default ...
case_server server-pref-default SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM SRTP_AEAD_AES_128_GCM
# ... or what it is configured to be
case_server server-pref-config SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80 \
	SRTP_AES128_CM_SHA1_80 SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM
case_client client-cm SRTP_AES128_CM_SHA1_80 SRTP_AES128_CM_SHA1_80 SRTP_AES128_CM_SHA1_80
# as the client we offer CM first; s_server prefers GCM and wins
case_client client-pref SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80 \
	SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM SRTP_AEAD_AES_128_GCM
case_mismatch

echo "dtls_openssl: $passed passed, $failed failed ($(openssl version))"
((failed == 0))
