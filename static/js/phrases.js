// 常用语: a saved phrase's button puts its text into the opinion box (after what is there).
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-phrase]");
  if (!button) return;
  const box = document.getElementById("opinion");
  if (!box) return;
  const text = button.dataset.phrase;
  box.value = box.value.trim() ? `${box.value.trim()}\n${text}` : text;
  box.focus();
});
