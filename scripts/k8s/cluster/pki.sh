#!/usr/bin/env bash
# Writes the cluster's PKI and kubeconfigs into $K8S_STATE (openssl only, offline): a CA, the
# apiserver's serving certificate, the service-account key pair, and one client certificate and
# kubeconfig per component. A fresh set on every `up`; `down` deletes it with the rest of the state.
# shellcheck source=scripts/k8s/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PKI=$K8S_STATE/pki
mkdir -p "$PKI"
cd "$PKI"
DAYS=30 # a throwaway test cluster: short-lived on purpose
ossl() { openssl "$@" 2>/dev/null; }

ossl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days "$DAYS" -subj "/CN=cartograph-local-ca"
ossl genrsa -out sa.key 2048
ossl rsa -in sa.key -pubout -out sa.pub

cert() { # file CN O [subjectAltName]: a key and a certificate signed by the CA
  local file=$1 cn=$2 org=$3 san=${4:-} subject="/CN=$2"
  [[ -n $org ]] && subject="/O=$org/CN=$cn"
  ossl req -newkey rsa:2048 -nodes -keyout "$file.key" -out "$file.csr" -subj "$subject"
  if [[ -n $san ]]; then
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$san" >"$file.ext"
  else
    printf 'extendedKeyUsage=clientAuth\n' >"$file.ext"
  fi
  ossl x509 -req -in "$file.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$file.crt" -days "$DAYS" -extfile "$file.ext"
  rm -f "$file.csr" "$file.ext"
}
kubeconfig() { # file user: a kubeconfig using $file.crt/.key against the apiserver
  cat >"$K8S_STATE/$1.kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters:
  - name: cartograph-local
    cluster: {certificate-authority: $PKI/ca.crt, server: "https://$NODE_IP:6443"}
users:
  - name: $2
    user: {client-certificate: $PKI/$1.crt, client-key: $PKI/$1.key}
contexts:
  - name: cartograph-local
    context: {cluster: cartograph-local, user: $2}
current-context: cartograph-local
YAML
}

cert apiserver kube-apiserver "" "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost,IP:${SERVICE_CIDR%.*}.1,IP:$NODE_IP,IP:127.0.0.1"
cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
# The node's identity must be system:node:<name> in system:nodes for the Node authorizer.
cert kubelet "system:node:$NODE_NAME" system:nodes
cert admin admin system:masters
cert controller-manager system:kube-controller-manager ""
cert scheduler system:kube-scheduler ""
cert proxy system:kube-proxy ""
# kube-router only enforces NetworkPolicy here; cluster-admin spares a ClusterRole of its own in
# a throwaway cluster.
cert kube-router kube-router system:masters
for c in admin controller-manager scheduler kubelet proxy kube-router; do kubeconfig "$c" "$c"; done
chmod 600 ./*.key
