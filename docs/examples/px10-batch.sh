#!/usr/bin/env bash
# A whole PX10 batch through the HTTP API with curl, on the demo plant of `npm start` (line L1).
# Needs curl and node (for reading JSON). Usage: BASE=http://127.0.0.1:3000 bash docs/examples/px10-batch.sh [BATCH-ID]
set -euo pipefail
BASE=${BASE:-http://127.0.0.1:3000}
ID=${1:-CURL-$(date +%H%M%S)}
B=/api/batches/$ID
json() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const v=($1)(JSON.parse(s));console.log(typeof v==='string'?v:JSON.stringify(v))})"; }
jar=$(mktemp -d)

# Demo mode shows the sign-ins of this installation (a production server answers 404).
DEMO=$(curl -sS "$BASE/api/demo")
password() { echo "$DEMO" | json "d => d.people.find(p => p.username === '$1').password"; }

# Sign in: a session cookie in a jar per person, and the CSRF token from the answer. State-changing requests
# carry the token and the server's own Origin, as a browser does.
declare -A CSRF
signin() {
  CSRF[$1]=$(curl -sS -c "$jar/$1" -H 'Content-Type: application/json' -H "Origin: $BASE" \
    -d "{\"username\":\"$1\",\"password\":\"$(password "$1")\"}" "$BASE/api/session" | json 'a => a.csrfToken')
}
# One action as a person; a new Idempotency-Key per action (send the same one again only to retry it).
as() { # person path body
  curl -sS -b "$jar/$1" -c "$jar/$1" -H "X-CSRF-Token: ${CSRF[$1]}" -H "Origin: $BASE" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: $ID-$RANDOM$RANDOM" -d "$3" "$BASE$2"
  echo
}
sign() { echo "{\"signature\":{\"meaning\":\"$2\",\"password\":\"$(password "$1")\"}${3:-}}"; }
for p in sam olivia oscar sara; do signin $p; done

VERSION=$(curl -sS -b "$jar/sam" "$BASE/api/procedures/PX10-COMPRESSION" | json "p => String(p.versions.find(v => v.status === 'effective').version)")
as sam /api/batches "{\"batchId\":\"$ID\",\"procedure\":\"PX10-COMPRESSION\",\"version\":$VERSION,\"batchSize\":150000}"

# Line 1 must be clean: the demo's batches leave it dirty until an operator cleans it.
for e in BAL-01 BAL-02 GRN-01 FBD-01 BLD-01 P-01 HT-01; do as olivia /api/equipment/L1-$e/clean '{"validForMs":259200000}' >/dev/null; done

# A wrong action is refused with its reason, and nothing changes:
as olivia $B/steps/granulate/start '{"equipment":{"granulator":"L1-GRN-01"}}'   # → 422 sequence_violation

as olivia $B/steps/line-clearance/start '{}'
as olivia $B/steps/line-clearance/values '{"fieldId":"area_clear","value":true}'
as olivia $B/steps/line-clearance/values '{"fieldId":"booth_pressure","value":15}'
as olivia $B/steps/line-clearance/complete '{}'
as olivia $B/steps/line-clearance/verify "$(sign olivia verified)"                # → 422 self_verification
as sam $B/steps/line-clearance/verify "$(sign sam verified)"

as olivia $B/steps/dispense-api/start '{"equipment":{"api-balance":"L1-BAL-01"}}'
as olivia $B/steps/dispense-api/consumptions '{"material":"api","lotId":"L1-API-2611","quantity":1.5,"unit":"kg","balanceId":"L1-BAL-01"}'
as olivia $B/steps/dispense-api/complete "$(sign olivia performed)"
as sam $B/steps/dispense-api/verify "$(sign sam verified)"

as oscar $B/steps/dispense-excipients/start '{"equipment":{"floor-balance":"L1-BAL-02","api-balance":"L1-BAL-01"}}'
as oscar $B/steps/dispense-excipients/consumptions '{"material":"lactose","lotId":"LAC-0815","quantity":18,"unit":"kg","balanceId":"L1-BAL-02"}'  # → 422 material_not_usable (expired)
for m in 'lactose L1-LAC-0907 18 kg L1-BAL-02' 'mcc L1-MCC-3310 9 kg L1-BAL-02' 'ccs L1-CCS-1204 1200 g L1-BAL-01' 'mgst L1-MGS-0415 0.3 kg L1-BAL-01' 'water L1-PW-1125 9 kg L1-BAL-02'; do
  set -- $m
  as oscar $B/steps/dispense-excipients/consumptions "{\"material\":\"$1\",\"lotId\":\"$2\",\"quantity\":$3,\"unit\":\"$4\",\"balanceId\":\"$5\"}"
done
as oscar $B/steps/dispense-excipients/complete '{}'
as sara $B/steps/dispense-excipients/verify "$(sign sara verified)"

as olivia $B/steps/granulate/start '{"equipment":{"granulator":"L1-GRN-01"}}'
as olivia $B/steps/granulate/values '{"fieldId":"water_addition_time","value":4}'
as olivia $B/steps/granulate/values '{"fieldId":"end_point_power","value":5.2}'
as olivia $B/steps/granulate/complete '{}'
as olivia $B/steps/dry/start '{"equipment":{"dryer":"L1-FBD-01"}}'
as olivia $B/steps/dry/values '{"fieldId":"lod","value":2.1}'
as olivia $B/steps/dry/complete '{}'
as olivia $B/steps/blend/start '{"equipment":{"blender":"L1-BLD-01"}}'
as olivia $B/steps/blend/values '{"fieldId":"blend_time","value":10}'
EXPIRY=$(node -e "console.log(new Date(Date.now()+30*864e5).toISOString().slice(0,10))")
as olivia $B/steps/blend/complete "{\"producedLot\":{\"lotId\":\"GRAN-$ID\",\"quantity\":30,\"unit\":\"kg\",\"expiry\":\"$EXPIRY\"}}"

as oscar $B/steps/press-setup/start '{"equipment":{"press":"L1-P-01"}}'
as oscar $B/steps/press-setup/values '{"fieldId":"press_scanned","value":"L1-P-01"}'
as oscar $B/steps/press-setup/values '{"fieldId":"punch_set","value":"PX10-P001"}'
as oscar $B/steps/press-setup/values '{"fieldId":"tooling_inspected","value":true}'
as oscar $B/steps/press-setup/complete '{}'
as sam $B/steps/press-setup/verify "$(sign sam verified)"

TEN='[10,10.1,10.2,10,10.1,10.2,10,10.1,10.2,10]'
as olivia $B/steps/compress/start '{"equipment":{"press":"L1-P-01","tester":"L1-HT-01"}}'
as olivia $B/steps/compress/consumptions "{\"material\":\"granulate\",\"lotId\":\"GRAN-$ID\",\"quantity\":30,\"unit\":\"kg\"}"
as olivia $B/steps/compress/values "{\"fieldId\":\"hardness\",\"value\":$TEN}"
as olivia $B/steps/compress/values '{"fieldId":"ipc_weight","value":[200,200.1,200.2,200,200.1,200.2,200,200.1,200.2,200]}'
as olivia $B/steps/compress/values '{"fieldId":"thickness","value":[4.1,4.2,4.3,4.1,4.2,4.3,4.1,4.2,4.3,4.1]}'
as olivia $B/steps/compress/complete "$(sign olivia performed)"

as sam $B/steps/reconcile/start '{}'
as sam $B/steps/reconcile/values '{"fieldId":"good_tablets","value":146000}'
as sam $B/steps/reconcile/values '{"fieldId":"rejected_tablets","value":2000}'
as sam $B/steps/reconcile/values '{"fieldId":"ipc_tablets","value":1500}'
as sam $B/steps/reconcile/complete "$(sign sam reviewed ",\"producedLot\":{\"lotId\":\"TAB-$ID\",\"quantity\":146000,\"unit\":\"tablets\",\"expiry\":\"2028-11-30\"}")"
as sam $B/complete '{}'

curl -sS -b "$jar/sam" "$BASE$B" | json 'b => ({ id: b.id, status: b.status })'
curl -sS -b "$jar/sam" "$BASE/api/refusals?limit=5" | json 'r => r.items.map(i => `${i.code}: ${i.message}`)'
curl -sS -b "$jar/sam" -o "$ID.json" "$BASE$B/record"
echo "record written to $ID.json; check it with: npx bes verify --record $ID.json --key data/keys/*.vkey"
