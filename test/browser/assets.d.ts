// Vite's `?url` imports (the browser run serves the file and hands the page its URL).
declare module "*?url" {
  const url: string;
  export default url;
}
