declare module "virtual:domoguard-locales" {
  const catalogues: Record<string, Record<string, string>>;
  export default catalogues;
}
