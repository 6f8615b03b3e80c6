"""The service's own texts (not flow texts), in every shipped language."""

from __future__ import annotations

from typing import Any

TEXTS: dict[str, dict[str, str]] = {
    "stop_confirm": {
        "en": "{program}: you are unsubscribed and will get no more messages. Reply START to rejoin.",
        "es": "{program}: cancelaste la suscripción y no recibirás más mensajes. Responde START para volver.",
    },
    "start_confirm": {
        "en": "{program}: welcome back, messages are on again. Reply HELP for help, STOP to opt out.",
        "es": "{program}: bienvenido de nuevo, los mensajes están activos. HELP para ayuda, STOP para salir.",
    },
    "help": {
        "en": "{program}: text 1-5 to check in, TALK to reach a facilitator, PAUSE, RESUME, STOP to opt out. Help: {contact}. Msg & data rates may apply.",
        "es": "{program}: envía 1-5 para reportar tu ánimo, TALK para hablar con alguien, PAUSE, RESUME, STOP para salir. Ayuda: {contact}.",
    },
    "help_unknown": {
        "en": "This is an automated peer support check-in line. Text JOIN and your group code to join. Reply STOP to opt out.",
        "es": "Esta es una línea automática de apoyo entre pares. Envía JOIN y el código de tu grupo para unirte.",
    },
    "fallback": {
        "en": "Sorry, I didn't get that. Text 1-5 to check in, TALK to reach a facilitator, HELP for more.",
        "es": "Perdona, no entendí. Envía 1-5 para reportar tu ánimo, TALK para hablar con alguien, HELP para más.",
    },
    "fallback_unknown": {
        "en": "This number is for peer support check-ins. Text JOIN and your group code to join.",
        "es": "Este número es para apoyo entre pares. Envía JOIN y el código de tu grupo para unirte.",
    },
    "unknown_group": {
        "en": "Sorry, no group has the code {code}. Please check it with your facilitator.",
        "es": "Ningún grupo tiene el código {code}. Confírmalo con tu facilitador.",
    },
    "pause": {
        "en": "Paused: no check-ins or reminders until you text RESUME. TALK still reaches a facilitator.",
        "es": "En pausa: no habrá mensajes hasta que envíes RESUME. TALK sigue llegando a un facilitador.",
    },
    "resume": {
        "en": "Welcome back! Check-ins and reminders are on again.",
        "es": "¡Bienvenido de nuevo! Los mensajes vuelven a estar activos.",
    },
    "talk": {
        "en": "Thanks for reaching out. A facilitator has been asked to contact you soon.",
        "es": "Gracias por escribir. Pedimos a un facilitador que se comunique contigo pronto.",
    },
    "talk_no_one": {
        "en": "Thanks for reaching out. We are finding someone to contact you.",
        "es": "Gracias por escribir. Estamos buscando a alguien que se comunique contigo.",
    },
    "crisis_default": {
        "en": "If you are in danger, call 911. You can call or text 988 (Suicide & Crisis Lifeline) or text HOME to 741741, any time.",
        "es": "Si estás en peligro, llama al 911. Puedes llamar o enviar un texto al 988 (línea en español) o enviar AYUDA al 741741.",
    },
    "crisis_intro": {
        "en": "This is an automated message. We care about your safety.",
        "es": "Este es un mensaje automático. Nos importa tu seguridad.",
    },
    "crisis_alerted": {
        "en": "A facilitator has been alerted.",
        "es": "Avisamos a un facilitador.",
    },
    "time_set": {
        "en": "Got it: your check-ins will come around {time}.",
        "es": "Listo: tus mensajes llegarán alrededor de las {time}.",
    },
    "time_bad": {
        "en": "Sorry, I couldn't read that time. Try TIME 7PM or TIME 19:00.",
        "es": "No entendí la hora. Prueba TIME 7PM o TIME 19:00.",
    },
    "lang_set": {"en": "Messages will now be in English.", "es": "Los mensajes serán en español."},
    "mydata": {
        "en": "You can ask your group coordinator for a copy of your data ({contact}). Text DELETE to erase it.",
        "es": "Pide una copia de tus datos a tu coordinador ({contact}). Envía DELETE para borrarlos.",
    },
    "delete_confirm": {
        "en": "Text DELETE YES within 24 hours to erase your messages, scores and profile. This cannot be undone.",
        "es": "Envía DELETE YES en 24 horas para borrar tus mensajes, puntajes y perfil. No se puede deshacer.",
    },
    "deleted": {
        "en": "Your data has been erased and you will get no more messages.",
        "es": "Tus datos fueron borrados y no recibirás más mensajes.",
    },
}


def text(name: str, language: str = "en", **values: Any) -> str:
    entry = TEXTS[name]
    return entry.get(language, entry["en"]).format(**values)
