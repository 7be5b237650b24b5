// Microphone capture for voice practice: downsample to 16 kHz mono and post 20 ms frames of
// 16-bit PCM to the page (which sends them over the WebSocket). While muted, or in
// push-to-talk mode with the key up, silence is sent instead so the session clock keeps time.
class SparringCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.ratio = sampleRate / 16000;
    this.position = 0;
    this.frame = new Int16Array(320);
    this.filled = 0;
    this.open = true;
    this.peak = 0;
    this.port.onmessage = (event) => { this.open = !!event.data.open; };
  }
  process(inputs) {
    const input = inputs[0] && inputs[0][0];
    if (!input) return true;
    // linear interpolation from the context's rate to 16 kHz
    while (this.position < input.length) {
      const i = Math.floor(this.position);
      const frac = this.position - i;
      const a = input[i];
      const b = i + 1 < input.length ? input[i + 1] : a;
      let sample = this.open ? a + (b - a) * frac : 0;
      sample = Math.max(-1, Math.min(1, sample));
      this.peak = Math.max(this.peak, Math.abs(sample));
      this.frame[this.filled++] = sample * 32767;
      if (this.filled === this.frame.length) {
        this.port.postMessage({ pcm: this.frame.buffer, peak: this.peak }, [this.frame.buffer]);
        this.frame = new Int16Array(320);
        this.filled = 0;
        this.peak = 0;
      }
      this.position += this.ratio;
    }
    this.position -= input.length;
    return true;
  }
}
registerProcessor("sparring-capture", SparringCapture);
