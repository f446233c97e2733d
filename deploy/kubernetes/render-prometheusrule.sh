#!/usr/bin/env bash
# Prints a PrometheusRule (Prometheus Operator) holding every group of deploy/prometheus/rules/*.rules.yml,
# so Kubernetes runs exactly the rules that promtool checks and unit-tests.
#   deploy/kubernetes/render-prometheusrule.sh | kubectl apply -f -
set -euo pipefail
RULES=$(cd "$(dirname "$0")/../prometheus/rules" && pwd)
cat <<'HEADER'
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: drainwatch
  namespace: drainwatch
  labels:
    app.kubernetes.io/part-of: drainwatch
spec:
  groups:
HEADER
for file in "$RULES"/*.rules.yml; do
  # Each file is "groups:" followed by its groups indented by two: drop that line, indent by two more.
  grep -v '^groups:' "$file" | grep -v '^#' | sed 's/^\(.\)/  \1/'
done
