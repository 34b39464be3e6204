// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Augur",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "augur", targets: ["augur"]),
        .library(name: "AugurEngine", targets: ["AugurEngine"]),
        .library(name: "AugurONNX", targets: ["AugurONNX"]),
        .library(name: "AugurRows", targets: ["AugurRows"]),
        .library(name: "AugurStore", targets: ["AugurStore"]),
        .library(name: "AugurService", targets: ["AugurService"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0"),
    ],
    targets: [
        // Tensors, operators, tree/linear kernels, passes and the immutable Plan. No dependencies.
        .target(name: "AugurEngine"),
        // Decoding .onnx files and mapping ONNX nodes to engine operators.
        .target(
            name: "AugurONNX",
            dependencies: ["AugurEngine", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Proto/onnx-subset.proto"]
        ),
        // Tabular rows: CSV parsing, JSON/CSV rows read straight into a model's input tensors
        // (`augur predict --model`), whole CSV tables (training statistics, rows through a route).
        .target(name: "AugurRows", dependencies: ["AugurEngine", "AugurONNX"]),
        // The model store on disk (versions, aliases, digests, atomic writes) and the MLflow
        // Model Registry client. Knows bytes and records, not ONNX.
        .target(
            name: "AugurStore",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Configuration, JSON, request validation, expressions, features and output mapping:
        // the transport-free prediction pipeline, and the registry of live model versions.
        .target(
            name: "AugurService",
            dependencies: ["AugurEngine", "AugurONNX", "AugurRows", "AugurStore", .product(name: "Yams", package: "Yams"),
                           .product(name: "Crypto", package: "swift-crypto"),
                           // The compute pool long predictions run on (NIOThreadPool).
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")]
        ),
        // The Open Inference Protocol (v2) over a service, transport-free: tensors, the catalogue
        // of V2 models (routes and raw models), inference. REST (AugurServer) and gRPC adapt it.
        .target(name: "AugurV2", dependencies: ["AugurEngine", "AugurService"]),
        // HTTP adapter: routes, encoders, errors, OpenAPI, docs, health, access log, protocols.
        .target(
            name: "AugurServer",
            dependencies: [
                "AugurService", "AugurV2",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                // Connection guards (timeouts, lingering close, the connection cap) and TLS.
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                // GET /metrics.
                .product(name: "Prometheus", package: "swift-prometheus"),
                // Spans exported over OTLP/HTTP when `server.otlp_endpoint` is set.
                .product(name: "OTel", package: "swift-otel"),
            ]
        ),
        // The Open Inference Protocol over gRPC: `inference.GRPCInferenceService` from our own
        // schema (Proto/inference.proto; generated code committed, scripts/generate-proto.sh).
        .target(
            name: "AugurGRPC",
            dependencies: [
                "AugurService", "AugurV2",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Proto/inference.proto"]
        ),
        // AWS Lambda: the Runtime API loop (async-http-client) and API Gateway, Function URL and
        // load-balancer events answered by the HTTP server's router in process.
        .target(
            name: "AugurLambda",
            dependencies: [
                "AugurService", "AugurServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // Deployment artefacts written by Augur: Kubernetes and KServe manifests.
        // The system zlib (gzip image layers, deflated ZIP entries).
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "AugurDeploy",
            dependencies: [
                "AugurService", "AugurStore", "CZlib",
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // `augur loadtest`: keep-alive HTTP/1.1 connections over blocking sockets, one thread
        // each, and latency histograms. No dependencies.
        .target(name: "AugurLoad"),
        // Commands only.
        .executableTarget(
            name: "augur",
            dependencies: [
                "AugurEngine", "AugurONNX", "AugurRows", "AugurStore", "AugurService", "AugurServer", "AugurGRPC", "AugurLambda", "AugurDeploy",
                "AugurLoad",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Release-mode engine benchmark (bench/engine.sh drives it).
        .executableTarget(name: "augur-bench", dependencies: ["AugurEngine", "AugurONNX"]),
        // Hello-world Hummingbird route: the framework ceiling bench/run.sh measures Augur against.
        .executableTarget(
            name: "augur-hello",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // gRPC load generator for bench/run.sh (the Open Inference Protocol's ModelInfer).
        .executableTarget(
            name: "augur-grpc-load",
            dependencies: [
                "AugurGRPC",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ]
        ),
        // Loader fuzz target: a regression runner normally, libFuzzer entry with -DFUZZING.
        .executableTarget(name: "augur-fuzz", dependencies: ["AugurEngine", "AugurONNX", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .testTarget(name: "AugurEngineTests", dependencies: ["AugurEngine", "augur-bench"]),
        .testTarget(
            name: "AugurONNXTests",
            dependencies: ["AugurEngine", "AugurONNX", "augur-bench"],
            exclude: ["onnx-node-known-failures.txt"]
        ),
        .testTarget(name: "AugurRowsTests", dependencies: ["AugurEngine", "AugurONNX", "AugurRows"]),
        .testTarget(name: "AugurStoreTests", dependencies: ["AugurStore"]),
        .testTarget(name: "AugurLambdaTests", dependencies: ["AugurService", "AugurServer", "AugurLambda"]),
        .testTarget(name: "AugurDeployTests", dependencies: ["AugurDeploy"]),
        .testTarget(name: "AugurServiceTests", dependencies: ["AugurEngine", "AugurONNX", "AugurStore", "AugurService", "AugurServer"]),
        .testTarget(
            name: "AugurGRPCTests",
            dependencies: [
                "AugurService", "AugurGRPC",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
            ]
        ),
        .testTarget(
            name: "AugurServerTests",
            dependencies: [
                "AugurStore", "AugurService", "AugurServer", "AugurV2", "AugurLoad",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            exclude: ["Golden"]
        ),
    ]
)
