import { Monitor, Moon, Sun } from "lucide-react";
import { IconButton, Menu, MenuRadioGroup, MenuRadioItem } from "../components/ui";
import { useTheme, type ThemeChoice } from "../lib/theme";

/** The theme switch of the top bar: follow the system (the default), light or dark; remembered. */
export function ThemeMenu() {
  const { choice, theme, setChoice } = useTheme();
  const Icon = choice === "system" ? Monitor : theme === "dark" ? Moon : Sun;
  return (
    <Menu label="Theme" trigger={<IconButton label="Theme" icon={<Icon size={18} aria-hidden />} data-testid="theme-menu" />}>
      <MenuRadioGroup value={choice} onChange={(v) => setChoice(v as ThemeChoice)}>
        <MenuRadioItem value="system">
          <Monitor size={15} aria-hidden /> Follow the system
        </MenuRadioItem>
        <MenuRadioItem value="light">
          <Sun size={15} aria-hidden /> Light
        </MenuRadioItem>
        <MenuRadioItem value="dark">
          <Moon size={15} aria-hidden /> Dark
        </MenuRadioItem>
      </MenuRadioGroup>
    </Menu>
  );
}
