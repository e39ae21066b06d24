/**
 * Key and error sounds generated with WebAudio: no files to load, nothing to cache. The
 * AudioContext is created on the first sound, inside a key handler, because browsers only
 * let a page start audio from a user gesture. A click is a few milliseconds of filtered
 * noise; an error is a short low square tone that is easy to tell apart from it.
 */
export class KeySounds {
  private context: AudioContext | null = null;
  private noise: AudioBuffer | null = null;
  enabled = false;
  volume = 0.5;

  click(): void {
    this.safely(() => this.playClick());
  }

  error(): void {
    this.safely(() => this.playError());
  }

  /** Sound is a nicety: an audio failure must never break the key handler that asked for it. */
  private safely(play: () => void): void {
    try {
      play();
    } catch (error) {
      this.enabled = false;
      console.warn('sounds are off: WebAudio failed', error);
    }
  }

  private playClick(): void {
    const ctx = this.ready();
    if (!ctx || !this.noise) return;
    const source = ctx.createBufferSource();
    source.buffer = this.noise;
    const filter = ctx.createBiquadFilter();
    filter.type = 'bandpass';
    filter.frequency.value = 2400;
    source.connect(filter).connect(this.gain(ctx, 0.6, 0.03));
    source.start();
  }

  private playError(): void {
    const ctx = this.ready();
    if (!ctx) return;
    const tone = ctx.createOscillator();
    tone.type = 'square';
    tone.frequency.value = 160;
    tone.connect(this.gain(ctx, 0.25, 0.12));
    tone.start();
    tone.stop(ctx.currentTime + 0.12);
  }

  private ready(): AudioContext | null {
    if (!this.enabled || this.volume <= 0) return null;
    if (!this.context) {
      if (typeof AudioContext === 'undefined') return null;
      this.context = new AudioContext();
      this.noise = noiseBuffer(this.context, 0.03);
    }
    if (this.context.state === 'suspended') void this.context.resume();
    return this.context;
  }

  /** A gain node that decays to silence over `seconds`, so sounds never click at the end. */
  private gain(ctx: AudioContext, level: number, seconds: number): GainNode {
    const node = ctx.createGain();
    const now = ctx.currentTime;
    node.gain.setValueAtTime(level * this.volume, now);
    node.gain.exponentialRampToValueAtTime(0.0001, now + seconds);
    node.connect(ctx.destination);
    return node;
  }
}

function noiseBuffer(ctx: AudioContext, seconds: number): AudioBuffer {
  const buffer = ctx.createBuffer(1, Math.ceil(ctx.sampleRate * seconds), ctx.sampleRate);
  const data = buffer.getChannelData(0);
  for (let i = 0; i < data.length; i++) data[i] = (Math.random() * 2 - 1) * (1 - i / data.length);
  return buffer;
}
