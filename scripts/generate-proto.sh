#!/usr/bin/env bash
# Regenerates the SwiftProtobuf and gRPC code from our own .proto schemas:
#   Sources/AugurONNX/Proto/onnx-subset.pb.swift   from onnx-subset.proto  (messages)
#   Sources/AugurGRPC/Proto/inference.pb.swift     from inference.proto    (messages)
#   Sources/AugurGRPC/Proto/inference.grpc.swift   from inference.proto    (server + client stubs)
#
# Needs protoc (Debian: apt-get install protobuf-compiler) and two protoc plugins built from the
# versions in Package.swift (release builds, a few minutes each):
#   protoc-gen-swift         from swift-protobuf 1.39.0
#     git clone --branch 1.39.0 https://github.com/apple/swift-protobuf /tmp/swift-protobuf
#     (cd /tmp/swift-protobuf && swift build -c release --product protoc-gen-swift)
#   protoc-gen-grpc-swift-2  from grpc-swift-protobuf 2.4.1
#     git clone --branch 2.4.1 https://github.com/grpc/grpc-swift-protobuf /tmp/grpc-swift-protobuf
#     (cd /tmp/grpc-swift-protobuf && swift build -c release --product protoc-gen-grpc-swift-2)
# Elsewhere: PROTOC_GEN_SWIFT=/path/protoc-gen-swift PROTOC_GEN_GRPC_SWIFT=/path/protoc-gen-grpc-swift-2
# (with --scratch-path DIR the binaries are in DIR/release/).
#
#   scripts/generate-proto.sh          both
#   scripts/generate-proto.sh onnx     only the ONNX messages (needs only protoc-gen-swift)
#   scripts/generate-proto.sh grpc     only the Open Inference Protocol messages and stubs
set -euo pipefail
cd "$(dirname "$0")/.."
plugin=${PROTOC_GEN_SWIFT:-/tmp/swift-protobuf/.build/release/protoc-gen-swift}
grpc_plugin=${PROTOC_GEN_GRPC_SWIFT:-/tmp/grpc-swift-protobuf/.build/release/protoc-gen-grpc-swift-2}
what=${1:-all}

case "$what" in
  all | onnx | grpc) ;;
  *) echo "usage: $0 [all|onnx|grpc]" >&2; exit 2 ;;
esac

if [ "$what" != grpc ]; then
  protoc --plugin=protoc-gen-swift="$plugin" \
    --swift_opt=Visibility=Public \
    --swift_out=Sources/AugurONNX/Proto \
    --proto_path=Sources/AugurONNX/Proto \
    onnx-subset.proto
  echo "wrote Sources/AugurONNX/Proto/onnx-subset.pb.swift"
fi

if [ "$what" != onnx ]; then
  # Messages (inference.pb.swift) and the GRPCInferenceService stubs (inference.grpc.swift) in one
  # protoc run, so both come from the same parse of the schema.
  protoc --plugin=protoc-gen-swift="$plugin" \
    --plugin=protoc-gen-grpc-swift-2="$grpc_plugin" \
    --swift_opt=Visibility=Public \
    --swift_out=Sources/AugurGRPC/Proto \
    --grpc-swift-2_opt=Visibility=Public,Server=true,Client=true \
    --grpc-swift-2_out=Sources/AugurGRPC/Proto \
    --proto_path=Sources/AugurGRPC/Proto \
    inference.proto
  echo "wrote Sources/AugurGRPC/Proto/inference.pb.swift and inference.grpc.swift"
fi
