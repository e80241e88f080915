import { readSafetensors, readTorch, torchStateDict } from "@ebjdat/formats";
import { modelFromStateDict, type WideResNet } from "@ebjdat/models";

/** Whether bytes are a `torch.save` file (zip archive or legacy pickle) rather than safetensors. */
function isTorch(bytes: Uint8Array): boolean {
  return (bytes[0] === 0x50 && bytes[1] === 0x4b) || bytes[0] === 0x80;
}

/**
 * The WideResNet of a checkpoint's bytes, read in the browser (spec 2.1): a `.safetensors` state
 * dict, or a PyTorch `.pt`/`.pth` (`torch.save`, zip or legacy pickle) through @ebjdat/formats'
 * portable readers. The format comes from the name's extension, else from the first bytes.
 */
export function modelFromBytes(bytes: Uint8Array, name: string): WideResNet {
  const lower = name.toLowerCase();
  const torch = lower.endsWith(".pt") || lower.endsWith(".pth") || (!lower.endsWith(".safetensors") && isTorch(bytes));
  if (torch) return modelFromStateDict(torchStateDict(readTorch(bytes, name)), name);
  return modelFromStateDict(readSafetensors(bytes, name).tensors, name);
}
