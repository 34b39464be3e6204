#!/usr/bin/env bash
# Regenerates Sources/AugurONNX/Proto/onnx-subset.pb.swift from onnx-subset.proto.
# Needs protoc (Debian: protobuf-compiler) and protoc-gen-swift built from the swift-protobuf
# version in Package.swift:
#   git clone --branch 1.39.0 https://github.com/apple/swift-protobuf /tmp/swift-protobuf
#   (cd /tmp/swift-protobuf && swift build -c release --product protoc-gen-swift)
set -euo pipefail
cd "$(dirname "$0")/.."
plugin=${PROTOC_GEN_SWIFT:-/tmp/swift-protobuf/.build/release/protoc-gen-swift}
protoc --plugin=protoc-gen-swift="$plugin" \
  --swift_opt=Visibility=Public \
  --swift_out=Sources/AugurONNX/Proto \
  --proto_path=Sources/AugurONNX/Proto \
  onnx-subset.proto
echo "wrote Sources/AugurONNX/Proto/onnx-subset.pb.swift"
