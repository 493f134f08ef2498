#!/usr/bin/env bash
# Deploys an overlay with one image tag, in order (run from a checkout with node_modules):
#   deploy/apply.sh <single-node|production> <image tag> [kubectl apply args, e.g. --dry-run=server]
# 1. renders the overlay (kubectl kustomize) and sets the project image's tag;
# 2. names the provisioning Job provision-streams-<hash of the rendered manifests>, so every deploy
#    that changes anything runs it anew (a Job's template is immutable; finished Jobs go after
#    their TTL);
# 3. applies everything but the workloads (namespace, config, services, policies), then NATS, waits
#    for it, runs the provisioning Job and waits for it: streams and consumers exist before an app
#    that binds them rolls;
# 4. applies the apps and their autoscalers and waits for the rollouts.
# Catalog and logger apply their database migrations at start (libs/database openDatabase).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage='usage: deploy/apply.sh <single-node|production> <image tag> [kubectl apply args]'
overlay="${1:?$usage}"
tag="${2:?$usage}"
shift 2
KUBECTL="${KUBECTL:-kubectl}"
IMAGE="${IMAGE:-registry.example.com/trend-pipeline}"
NS=trend-pipeline
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
refs() { node "$ROOT/scripts/deploy-refs.mjs" "$@"; }

"$KUBECTL" kustomize "$ROOT/deploy/overlays/$overlay" > "$work/rendered.yaml"
sed -i -E "s#^( +image: )registry\.example\.com/trend-pipeline(:[^ ]*)?\$#\1$IMAGE:$tag#" "$work/rendered.yaml"
job="provision-streams-$(sha256sum "$work/rendered.yaml" | cut -c1-10)"
sed -i "s/^  name: provision-streams\$/  name: $job/" "$work/rendered.yaml"

refs except "$work/rendered.yaml" StatefulSet,Job,Deployment,ScaledObject,HorizontalPodAutoscaler > "$work/1-base.yaml"
refs kinds "$work/rendered.yaml" StatefulSet > "$work/2-nats.yaml"
refs kinds "$work/rendered.yaml" Job > "$work/3-provision.yaml"
refs kinds "$work/rendered.yaml" Deployment,ScaledObject,HorizontalPodAutoscaler > "$work/4-apps.yaml"

"$KUBECTL" apply "$@" -f "$work/1-base.yaml"
"$KUBECTL" apply "$@" -f "$work/2-nats.yaml"
case " $* " in *" --dry-run"*) echo "dry run: $job, then the apps"; "$KUBECTL" apply "$@" -f "$work/3-provision.yaml" -f "$work/4-apps.yaml"; exit 0 ;; esac
"$KUBECTL" -n "$NS" rollout status statefulset/nats --timeout=10m
"$KUBECTL" apply "$@" -f "$work/3-provision.yaml"
"$KUBECTL" -n "$NS" wait --for=condition=complete "job/$job" --timeout=10m
"$KUBECTL" apply "$@" -f "$work/4-apps.yaml"
for d in $("$KUBECTL" -n "$NS" get deploy -l app.kubernetes.io/part-of=trend-pipeline -o name); do
  "$KUBECTL" -n "$NS" rollout status "$d" --timeout=10m
done
echo "deployed $overlay at $IMAGE:$tag (provisioning job $job)"
