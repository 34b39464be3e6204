import AugurEngine

/// Builders for the ai.onnx.ml domain, trees excepted.
let mlOperators: [OperatorRegistry.Entry] = [
    .init("ai.onnx.ml", "ArrayFeatureExtractor", versions: [1], FeatureBuilders.arrayFeatureExtractor),
    .init("ai.onnx.ml", "Binarizer", versions: [1], PreprocessingBuilders.binarizer),
    .init("ai.onnx.ml", "CategoryMapper", versions: [1], LabelEncoderBuilders.categoryMapper),
    .init("ai.onnx.ml", "FeatureVectorizer", versions: [1], FeatureBuilders.featureVectorizer),
    .init("ai.onnx.ml", "Imputer", versions: [1], PreprocessingBuilders.imputer),
    .init("ai.onnx.ml", "LabelEncoder", versions: [1], LabelEncoderBuilders.labelEncoderV1),
    .init("ai.onnx.ml", "LabelEncoder", versions: [2], LabelEncoderBuilders.labelEncoderV2),
    .init("ai.onnx.ml", "LabelEncoder", versions: [4], LabelEncoderBuilders.labelEncoderV4),
    .init("ai.onnx.ml", "LinearClassifier", versions: [1], LinearModelBuilders.linearClassifier),
    .init("ai.onnx.ml", "LinearRegressor", versions: [1], LinearModelBuilders.linearRegressor),
    .init("ai.onnx.ml", "Normalizer", versions: [1], PreprocessingBuilders.normalizer),
    .init("ai.onnx.ml", "OneHotEncoder", versions: [1], PreprocessingBuilders.oneHotEncoder),
    .init("ai.onnx.ml", "Scaler", versions: [1], PreprocessingBuilders.scaler),
    .init("ai.onnx.ml", "SVMClassifier", versions: [1], SVMBuilders.svmClassifier),
    .init("ai.onnx.ml", "SVMRegressor", versions: [1], SVMBuilders.svmRegressor),
    .init("ai.onnx.ml", "ZipMap", versions: [1], FeatureBuilders.zipMap),
]
