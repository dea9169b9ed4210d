// The names of the only two IPC channels between the shell's main process and its preload. Both sides import them
// from here so a renamed channel cannot leave one side listening to nothing.
export const ipcChannels = {
  /** invoke: the renderer asks for the secrets' sealing key; the answer is its 32 bytes. */
  secretSealingKey: 'bleep:secret-sealing-key',
  /** send (main to renderer): the desktop must lock now. */
  lockNow: 'bleep:lock-now',
} as const;
