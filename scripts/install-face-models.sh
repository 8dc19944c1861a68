#!/usr/bin/env bash
# install-face-models.sh fetches the ONNX Runtime shared library and the face
# models used by the biometric package, keeps only the files the engine
# needs, and verifies each against the SHA-256 hashes committed in
# scripts/face-models.sha256.
#
# Both parts come from the npm registry through `npm pack`, which downloads a
# package tarball without running any install script:
#   - onnxruntime-node (MIT): bin/napi-v6/linux/x64/libonnxruntime.so.1
#   - faceplugin-face-recognition-js (MIT): model/fr_*.onnx
#
# The destination is $KYCGATE_MODELS_DIR, or .models/ at the repository root.
# The script is idempotent: when every file is present and matches its hash,
# it changes nothing and needs no network.
set -euo pipefail

ORT_PACKAGE="onnxruntime-node@1.24.3"
MODEL_PACKAGE="faceplugin-face-recognition-js@0.0.1"
ORT_MEMBER="package/bin/napi-v6/linux/x64/libonnxruntime.so.1"
MODEL_MEMBERS=(fr_detect.onnx fr_landmark.onnx fr_feature.onnx fr_liveness.onnx)

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
hash_file="${repo_root}/scripts/face-models.sha256"
dest="${KYCGATE_MODELS_DIR:-${repo_root}/.models}"

die() {
	echo "install-face-models: $*" >&2
	exit 1
}

verify() {
	(cd "$1" && sha256sum --check --strict --quiet "${hash_file}") >/dev/null 2>&1
}

[[ -f "${hash_file}" ]] || die "missing hash list ${hash_file}"
command -v sha256sum >/dev/null 2>&1 || die "sha256sum is required (Debian package coreutils)"

if [[ -d "${dest}" ]] && verify "${dest}"; then
	echo "install-face-models: all files present and verified in ${dest}"
	exit 0
fi

command -v npm >/dev/null 2>&1 ||
	die "npm is required to fetch the models (install it with: apt-get install -y npm)"
command -v tar >/dev/null 2>&1 || die "tar is required"

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

echo "install-face-models: fetching ${ORT_PACKAGE} and ${MODEL_PACKAGE} with npm pack"
(cd "${work}" && npm pack --silent "${ORT_PACKAGE}" "${MODEL_PACKAGE}" >/dev/null) ||
	die "npm pack failed (is the npm registry reachable?)"

ort_tgz="$(ls "${work}"/onnxruntime-node-*.tgz)"
model_tgz="$(ls "${work}"/faceplugin-face-recognition-js-*.tgz)"

mkdir -p "${work}/ort" "${work}/models" "${work}/stage"
tar -xzf "${ort_tgz}" -C "${work}/ort" "${ORT_MEMBER}" ||
	die "libonnxruntime.so.1 not found in ${ORT_PACKAGE}"
members=()
for name in "${MODEL_MEMBERS[@]}"; do
	members+=("package/model/${name}")
done
tar -xzf "${model_tgz}" -C "${work}/models" "${members[@]}" ||
	die "model files not found in ${MODEL_PACKAGE}"

cp "${work}/ort/${ORT_MEMBER}" "${work}/stage/libonnxruntime.so.1"
for name in "${MODEL_MEMBERS[@]}"; do
	cp "${work}/models/package/model/${name}" "${work}/stage/${name}"
done

verify "${work}/stage" || {
	(cd "${work}/stage" && sha256sum --check --strict "${hash_file}") >&2 || true
	die "downloaded files do not match ${hash_file}; nothing was installed"
}

mkdir -p "${dest}"
for file in "${work}"/stage/*; do
	install -m 0644 "${file}" "${dest}/$(basename "${file}")"
done
verify "${dest}" || die "files in ${dest} fail verification after install"
echo "install-face-models: installed and verified $(ls "${work}/stage" | wc -l) files in ${dest}"
