// The fast profiles as GET /api/fast-profiles lists them, for tests.
import type { FastProfile } from "../../api/client";

export const PROFILES: FastProfile[] = [
  {
    name: "lightning",
    title: "SDXL-Lightning, 4 steps",
    lora: "sdxl_lightning_4step_lora.safetensors",
    checkpoint: null,
    source: "ByteDance/SDXL-Lightning on Hugging Face",
    steps: 4,
    cfg: 1,
    sampler: "euler",
    scheduler: "sgm_uniform",
  },
  {
    name: "hyper",
    title: "Hyper-SD, 8 steps",
    lora: "Hyper-SDXL-8steps-lora.safetensors",
    checkpoint: null,
    source: "ByteDance/Hyper-SD on Hugging Face",
    steps: 8,
    cfg: 1,
    sampler: "ddim",
    scheduler: "sgm_uniform",
  },
  {
    name: "turbo",
    title: "SDXL-Turbo, 4 steps",
    lora: null,
    checkpoint: "stabilityai/sdxl-turbo",
    source: "stabilityai/sdxl-turbo on Hugging Face",
    steps: 4,
    cfg: 0,
    sampler: "euler_ancestral",
    scheduler: "sgm_uniform",
  },
];
