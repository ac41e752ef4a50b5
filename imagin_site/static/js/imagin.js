// The "Menu" skip link points at the navigation, which on a phone sits in the closed menu
// dialog: open the dialog instead (DSFR moves the focus into it).
document.addEventListener("click", (event) => {
  const link = event.target.closest('a[href="#fr-navigation"]');
  const button = document.getElementById("button-menu");
  if (!link || !button || button.offsetParent === null) return; // wide screen: menu in view
  event.preventDefault();
  button.click();
});
