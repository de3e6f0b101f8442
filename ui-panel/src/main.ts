// The bundle's entry: defines <domoguard-panel> and <domoguard-notice-card> (once, even if the
// module is loaded twice) and lists the card in Home Assistant's card picker.
import { DomoguardNoticeCard } from "./card";
import { languageOf, makeLocalize } from "./i18n";
import { DomoguardPanel } from "./panel";

if (!customElements.get("domoguard-panel")) customElements.define("domoguard-panel", DomoguardPanel);
if (!customElements.get("domoguard-notice-card")) customElements.define("domoguard-notice-card", DomoguardNoticeCard);

interface CustomCardEntry {
  type: string;
  name: string;
  description?: string;
  preview?: boolean;
  documentationURL?: string;
}
const w = window as unknown as { customCards?: CustomCardEntry[] };
w.customCards = w.customCards ?? [];
if (!w.customCards.some((c) => c.type === "domoguard-notice-card")) {
  const t = makeLocalize(languageOf(undefined));
  w.customCards.push({
    type: "domoguard-notice-card",
    name: t("card.picker.name"),
    description: t("card.picker.description"),
    preview: true,
  });
}
