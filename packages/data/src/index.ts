/**
 * @ebjdat/data: CIFAR-10/100 (binary and python archives), ImageFolder and Tiny-ImageNet
 * datasets as uint8 NHWC arrays, dataset specs resolved against a data folder, a decoded-tensor
 * cache, seeded augmentation, batching and subsets.
 */
export { DataError } from "./errors";
export type { Dataset } from "./dataset";
export { batchTensor, checkDataset, classCounts, gatherImages, gatherLabels, imageSize, subset, toUnitFloat } from "./dataset";
export { loadDataset, listAvailableDatasets, DATASET_SPECS, SHARED_FILE_MD5, CIFAR_ARCHIVES, CIFAR_BASE_URL } from "./specs";
export type { LoadDatasetOptions, DatasetSpecInfo, AvailableDataset } from "./specs";
export {
  readCifarArchive,
  readCifarBinaryFile,
  readCifarDirectory,
  parseCifarRecords,
  cifarClassNames,
  cifarRecordSize,
  CIFAR_PYTHON_MEMBER_MD5,
} from "./cifar";
export type { CifarKind, CifarSplit, LabelMode, CifarLoadOptions, CifarBinaryFileOptions, CifarRecords } from "./cifar";
export { CIFAR10_CLASSES, CIFAR100_FINE_CLASSES, CIFAR100_COARSE_CLASSES } from "./classnames";
export { loadImageFolder, IMAGE_EXTENSIONS } from "./imagefolder";
export type { ImageFolderOptions } from "./imagefolder";
export { loadTinyImageNet } from "./tinyimagenet";
export type { TinyImageNetOptions } from "./tinyimagenet";
export { decodeImage, resizeArea, encodePng, encodeJpeg } from "./image";
export type { RgbImage } from "./image";
export { readTar, readTarFile, writeTar } from "./tar";
export type { TarEntry } from "./tar";
export { readPickle, PickledArray } from "./pickle";
export type { PickleValue } from "./pickle";
export { cacheKey, readCache, writeCache, sourceFingerprint, CACHE_VERSION } from "./cache";
export { downloadFile } from "./download";
export type { DownloadOptions } from "./download";
export { md5Hex, md5File } from "./md5";
export { resolveDataDir, resolveCacheDir, resolveDownloadDir, findRepoRoot } from "./paths";
export { augmentedBatch, randomCropFlip, cropFlipImage, addGaussianNoise, apiNoiseSigma, reflectIndex, CIFAR_TRAIN_AUGMENT } from "./augment";
export type { AugmentOptions } from "./augment";
export { DataLoader, epochBatches } from "./loader";
export type { DataLoaderOptions, LoaderBatch, BatchOrderOptions } from "./loader";
export { classBalancedSubset, split } from "./subsets";
