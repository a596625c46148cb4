/**
 * An on/off setting: a native checkbox shown as a switch (role "switch", so
 * screen readers say on and off), its label beside it. The one switch of the
 * app: join page, devices, room settings and the landing page.
 */
export function Switch({ label, checked, disabled, onChange }: { label: string; checked: boolean; disabled?: boolean; onChange: (on: boolean) => void }) {
	return (
		<label className="switch">
			<input type="checkbox" role="switch" checked={checked} disabled={disabled} onChange={(event) => onChange(event.target.checked)} />
			<span>{label}</span>
		</label>
	);
}
