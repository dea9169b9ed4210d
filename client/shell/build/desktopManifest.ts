// The package.json Electron starts the shell from. Its productName names the app, and with it the profile folder
// (userData: ~/.config/Bleep, %APPDATA%\Bleep, ~/Library/Application Support/Bleep) where the page's IndexedDB and the
// wrapped sealing key live: renaming it would leave every desktop's data behind, so it is fixed here.
export type DesktopManifest = Readonly<{
  name: string;
  productName: string;
  version: string;
  private: true;
  main: string;
}>;

export function desktopManifest(version: string): DesktopManifest {
  return { name: 'bleep-desktop', productName: 'Bleep', version, private: true, main: 'main.cjs' };
}
